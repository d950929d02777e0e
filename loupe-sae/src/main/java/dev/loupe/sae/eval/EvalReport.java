package dev.loupe.sae.eval;

/**
 * Reconstruction and sparsity metrics of a dictionary over a stream of activations ({@link SaeEval}).
 *
 * @param rows                 activation rows evaluated
 * @param l0                   mean number of non-zero codes per row
 * @param fvu                  fraction of variance unexplained, Σ‖x−x̂‖² / Σ‖x−mean(x)‖² (see {@link SaeEval})
 * @param mse                  Σ‖x−x̂‖² / (rows·d_in): per-element mean squared error (the training loss sums over d_in instead)
 * @param cosine               mean over rows of cos(x, x̂)
 * @param relativeBias         γ = E‖x̂‖² / E[x̂·x], the scale that best maps x̂ back to x as x̂/γ; γ < 1 means shrinkage
 *                             (Rajamanoharan et al. 2024, "relative reconstruction bias")
 * @param deadFraction         features that never fired
 * @param denseFraction        features firing on more than {@code denseThreshold} of rows
 * @param density              per-feature firing frequency [dFeatures]
 * @param histogram            counts of log10(density) of the features that fired, bins of width
 *                             {@link #BIN_WIDTH} from {@link #HIST_MIN} to 0 (values below HIST_MIN go in the first bin)
 */
public record EvalReport(long rows, double l0, double fvu, double mse, double cosine, double relativeBias,
                         double deadFraction, double denseFraction, double[] density, long[] histogram) {
    public static final double HIST_MIN = -8;
    public static final double BIN_WIDTH = 0.25;

    /** log10(density) per feature with −∞ for dead ones, as SAELens's {@code sparsity.safetensors} stores it. */
    public float[] log10Density() {
        float[] out = new float[density.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) Math.log10(density[i]);
        return out;
    }
}
