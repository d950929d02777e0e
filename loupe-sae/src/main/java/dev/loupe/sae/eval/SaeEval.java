package dev.loupe.sae.eval;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.sae.train.ActivationSource;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

/**
 * Evaluates any {@link Dictionary} on activations: L0, FVU, MSE, cosine similarity, relative
 * reconstruction bias, dead / dense fractions and the log10 feature-density histogram, streamed in
 * batches with double accumulators.
 *
 * <p><b>FVU</b> (fraction of variance unexplained) is defined once, here: over all N evaluated rows,
 * FVU = Σ_b ‖x_b − x̂_b‖² / Σ_b ‖x_b − x̄‖², where x̄ is the mean row over those N rows. 0 is a perfect
 * reconstruction; predicting x̄ for every row gives 1.
 *
 * <p>Spliced-model metrics (CE loss recovered, KL) need the transformer; {@link #ceLossRecovered} does the
 * arithmetic once the caller has the three losses.
 */
public final class SaeEval {
    private SaeEval() {}

    public static EvalReport evaluate(Dictionary dict, ActivationSource src, long maxRows, int batchSize, double denseThreshold) {
        int d = dict.dIn(), m = dict.dFeatures();
        if (src.dIn() != d) throw new ConfigException("the dictionary reads width " + d + " but the activations have width " + src.dIn());
        if (batchSize < 1) throw new ConfigException("eval batch size must be >= 1, got " + batchSize);
        float[] buf = new float[batchSize * d];
        double[] sum = new double[d], sumSq = new double[d];
        long[] fires = new long[m];
        double err = 0, cos = 0, xhatSq = 0, xhatDotX = 0, active = 0;
        long rows = 0;
        while (rows < maxRows) {
            int want = (int) Math.min(batchSize, maxRows - rows);
            int n = src.next(buf, want);
            if (n == 0) break;
            float[] x = n * d == buf.length ? buf : java.util.Arrays.copyOf(buf, n * d);
            float[] codes = dict.encode(new Tensor(x, n, d)).data();
            float[] xhat = dict.decode(new Tensor(codes, n, m)).data();
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < m; i++) if (codes[b * m + i] != 0f) { fires[i]++; active++; }
                double xx = 0, hh = 0, hx = 0;
                for (int j = 0; j < d; j++) {
                    double xv = x[b * d + j], hv = xhat[b * d + j];
                    sum[j] += xv;
                    sumSq[j] += xv * xv;
                    err += (xv - hv) * (xv - hv);
                    xx += xv * xv; hh += hv * hv; hx += hv * xv;
                }
                cos += xx > 0 && hh > 0 ? hx / Math.sqrt(xx * hh) : 0;
                xhatSq += hh;
                xhatDotX += hx;
            }
            rows += n;
        }
        if (rows == 0) throw new ConfigException("no activations to evaluate: the source is empty");
        double totalVar = 0;
        for (int j = 0; j < d; j++) totalVar += sumSq[j] - sum[j] * sum[j] / rows;
        double[] density = new double[m];
        int dead = 0, dense = 0;
        long[] hist = new long[(int) Math.round(-EvalReport.HIST_MIN / EvalReport.BIN_WIDTH)];
        for (int i = 0; i < m; i++) {
            density[i] = (double) fires[i] / rows;
            if (fires[i] == 0) { dead++; continue; }
            if (density[i] > denseThreshold) dense++;
            int bin = (int) Math.floor((Math.log10(density[i]) - EvalReport.HIST_MIN) / EvalReport.BIN_WIDTH);
            hist[Math.max(0, Math.min(hist.length - 1, bin))]++;
        }
        return new EvalReport(rows, active / rows, err / totalVar, err / ((double) rows * d), cos / rows,
                xhatSq / xhatDotX, (double) dead / m, (double) dense / m, density, hist);
    }

    /**
     * CE loss recovered when the reconstruction is spliced into the model, against zero-ablating the site:
     * (L_zero − L_spliced) / (L_zero − L_clean). 1 = as good as the clean model, 0 = as bad as zero ablation.
     */
    public static double ceLossRecovered(double cleanLoss, double zeroAblatedLoss, double splicedLoss) {
        double span = zeroAblatedLoss - cleanLoss;
        if (!(Math.abs(span) > 0)) throw new IllegalArgumentException("zero-ablated loss equals the clean loss (" + cleanLoss + "); CE loss recovered is undefined");
        return (zeroAblatedLoss - splicedLoss) / span;
    }
}
