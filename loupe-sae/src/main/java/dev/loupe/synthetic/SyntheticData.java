package dev.loupe.synthetic;

import dev.loupe.util.Rng;
import dev.loupe.sae.train.ActivationSource;

/**
 * Generator for {@link SyntheticConfig}: fixed random unit directions (Gaussian, normalised) and a
 * sample function that is a pure function of (seed, row index), so any row can be regenerated and the
 * {@link #source()} can seek exactly. Feature i switches on when its latent Gaussian
 * z_i = √ρ·u_group + √(1−ρ)·e_i exceeds Φ⁻¹(1 − p_i) (marginal probability p_i; ρ = 0 gives independent
 * features), and then has coefficient c_i ~ U(0, 1).
 */
public final class SyntheticData {
    private final SyntheticConfig cfg;
    private final float[] features;   // [nFeatures, dim], unit rows
    private final double[] prob;      // [nFeatures]
    private final double[] cut;       // Φ⁻¹(1 − p_i)

    public SyntheticData(SyntheticConfig cfg) {
        this.cfg = cfg;
        int n = cfg.nFeatures(), d = cfg.dim();
        Rng r = new Rng(Rng.mix(cfg.seed(), -1));
        features = new float[n * d];
        for (int i = 0; i < n; i++) {
            double ss = 0;
            for (int j = 0; j < d; j++) { float v = (float) r.nextGaussian(); features[i * d + j] = v; ss += v * v; }
            float inv = (float) (1 / Math.sqrt(ss));
            for (int j = 0; j < d; j++) features[i * d + j] *= inv;
        }
        prob = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) { prob[i] = Math.pow(i + 1, -cfg.decay()); sum += prob[i]; }
        cut = new double[n];
        for (int i = 0; i < n; i++) {
            prob[i] = Math.min(1, prob[i] * cfg.avgActive() / sum);
            cut[i] = prob[i] >= 1 ? Double.NEGATIVE_INFINITY : Normal.quantile(1 - prob[i]);
        }
    }

    public SyntheticConfig config() { return cfg; }

    /** Ground-truth directions [nFeatures, dim] (the live array; do not modify). */
    public float[] features() { return features; }

    /** Marginal activation probability of each feature. */
    public double[] probabilities() { return prob.clone(); }

    /**
     * Writes sample {@code row} into x[xOff, xOff + dim) and, when coeffs is not null, its ground-truth
     * coefficients into coeffs[cOff, cOff + nFeatures).
     */
    public void sample(long row, float[] x, int xOff, float[] coeffs, int cOff) {
        int n = cfg.nFeatures(), d = cfg.dim();
        Rng r = new Rng(Rng.mix(cfg.seed(), row));
        java.util.Arrays.fill(x, xOff, xOff + d, 0f);
        if (coeffs != null) java.util.Arrays.fill(coeffs, cOff, cOff + n, 0f);
        double rho = cfg.correlation(), a = Math.sqrt(rho), b = Math.sqrt(1 - rho);
        double group = 0;
        for (int i = 0; i < n; i++) {
            boolean on;
            if (rho == 0) {
                on = r.nextDouble() < prob[i];
            } else {
                if (i % cfg.groupSize() == 0) group = r.nextGaussian();
                on = a * group + b * r.nextGaussian() > cut[i];
            }
            if (!on) continue;
            float c = 1f - r.nextFloat();   // (0, 1]
            if (coeffs != null) coeffs[cOff + i] = c;
            int o = i * d;
            for (int j = 0; j < d; j++) x[xOff + j] += c * features[o + j];
        }
    }

    /** Rows [from, from + count) as one array [count, dim]. */
    public float[] rows(long from, int count, float[] coeffsOut) {
        float[] x = new float[count * cfg.dim()];
        for (int t = 0; t < count; t++) sample(from + t, x, t * cfg.dim(), coeffsOut, t * cfg.nFeatures());
        return x;
    }

    /** An endless, seekable activation stream of this data set's samples. */
    public ActivationSource source() {
        return new ActivationSource() {
            long pos;
            @Override public int dIn() { return cfg.dim(); }
            @Override public int next(float[] out, int count) {
                for (int t = 0; t < count; t++) sample(pos + t, out, t * cfg.dim(), null, 0);
                pos += count;
                return count;
            }
            @Override public long position() { return pos; }
            @Override public void seek(long position) { pos = position; }
        };
    }

    /** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
    static final class Normal {
        private static final double[] A = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        private static final double[] B = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
        private static final double[] C = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        private static final double[] D = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};

        static double quantile(double p) {
            if (p <= 0) return Double.NEGATIVE_INFINITY;
            if (p >= 1) return Double.POSITIVE_INFINITY;
            double q, r;
            if (p < 0.02425) {
                q = Math.sqrt(-2 * Math.log(p));
                return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
            }
            if (p > 1 - 0.02425) return -quantile(1 - p);
            q = p - 0.5;
            r = q * q;
            return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
        }
    }
}
