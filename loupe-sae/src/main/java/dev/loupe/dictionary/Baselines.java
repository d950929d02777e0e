package dev.loupe.dictionary;

import dev.loupe.util.Rng;
import dev.loupe.sae.train.ActivationSource;
import dev.loupe.util.ConfigException;

/**
 * Baseline dictionaries of Cunningham et al. 2023 (§3, Appendix G): the neuron (standard) basis, random
 * unit directions with codes clipped at zero, PCA, and ICA (FastICA), each usable with
 * {@link LinearDictionary#withTopK}. PCA reads the stream once, accumulating the mean and covariance in
 * double; ICA whitens with PCA and runs symmetric FastICA (Hyvärinen and Oja 2000, g = tanh) on a sample
 * held in memory.
 */
public final class Baselines {
    private Baselines() {}

    /** Codes are the activations themselves: direction i is the i-th unit vector. */
    public static LinearDictionary neuronBasis(int d) {
        float[] eye = new float[d * d];
        for (int i = 0; i < d; i++) eye[i * d + i] = 1f;
        return new LinearDictionary("neurons", d, d, eye, eye, new float[d], false, 0);
    }

    /** m random unit directions (Gaussian, normalised); codes are projections clipped at zero. */
    public static LinearDictionary randomDirections(int d, int m, long seed) {
        Rng r = new Rng(seed);
        float[] w = new float[m * d];
        for (int i = 0; i < m; i++) {
            double ss = 0;
            for (int j = 0; j < d; j++) { float v = (float) r.nextGaussian(); w[i * d + j] = v; ss += v * v; }
            float inv = (float) (1 / Math.sqrt(ss));
            for (int j = 0; j < d; j++) w[i * d + j] *= inv;
        }
        return new LinearDictionary("random", d, m, w, w, new float[d], true, 0);
    }

    /** Mean and covariance of up to maxRows rows of a stream. */
    public record Moments(int d, long rows, double[] mean, double[] cov) {}

    public static Moments moments(ActivationSource src, long maxRows, int batch) {
        int d = src.dIn();
        double[] sum = new double[d], outer = new double[d * d];
        float[] buf = new float[batch * d];
        long rows = 0;
        while (rows < maxRows) {
            int n = src.next(buf, (int) Math.min(batch, maxRows - rows));
            if (n == 0) break;
            for (int b = 0; b < n; b++) {
                int o = b * d;
                for (int i = 0; i < d; i++) {
                    double xi = buf[o + i];
                    sum[i] += xi;
                    for (int j = i; j < d; j++) outer[i * d + j] += xi * buf[o + j];
                }
            }
            rows += n;
        }
        if (rows < 2) throw new ConfigException("PCA needs at least 2 activation rows, the source gave " + rows);
        double[] mean = new double[d], cov = new double[d * d];
        for (int i = 0; i < d; i++) mean[i] = sum[i] / rows;
        for (int i = 0; i < d; i++) for (int j = i; j < d; j++) {
            double c = (outer[i * d + j] - rows * mean[i] * mean[j]) / (rows - 1);
            cov[i * d + j] = c;
            cov[j * d + i] = c;
        }
        return new Moments(d, rows, mean, cov);
    }

    /** The top m principal directions (unit rows, by decreasing variance); codes are projections of x − mean. */
    public static LinearDictionary pca(ActivationSource src, long maxRows, int m) {
        Moments mo = moments(src, maxRows, 1024);
        int d = mo.d();
        if (m < 1 || m > d) throw new ConfigException("PCA components must be in [1, " + d + "], got " + m);
        SymmetricEigen e = SymmetricEigen.of(mo.cov(), d);
        float[] w = new float[m * d];
        for (int i = 0; i < m * d; i++) w[i] = (float) e.vectors[i];
        return new LinearDictionary("pca", d, m, w, w, toFloat(mo.mean()), false, 0);
    }

    /**
     * FastICA with m components on up to maxRows rows: whitening z = Λ^(−½)Vᵀ(x − μ) onto the top m
     * principal directions, then symmetric FastICA; the unmixing W gives encoder rows W·Λ^(−½)Vᵀ and
     * mixing (decoder) rows W·Λ^(½)Vᵀ, normalised to unit norm, signed so each source has positive skew.
     */
    public static LinearDictionary ica(ActivationSource src, long maxRows, int m, long seed, int maxIter) {
        int d = src.dIn();
        if (m < 1 || m > d) throw new ConfigException("ICA components must be in [1, " + d + "], got " + m);
        float[] buf = new float[(int) Math.min(maxRows, 1_000_000) * d];
        int n = src.next(buf, buf.length / d);
        if (n < 2 * m) throw new ConfigException("ICA with " + m + " components needs at least " + 2 * m + " rows, the source gave " + n);
        Moments mo = moments(new dev.loupe.sae.train.ArraySource(java.util.Arrays.copyOf(buf, n * d), d), n, 1024);
        SymmetricEigen e = SymmetricEigen.of(mo.cov(), d);
        double[] k = new double[m * d];   // whitening [m, d]
        for (int i = 0; i < m; i++) {
            double s = 1 / Math.sqrt(Math.max(e.values[i], 1e-12));
            for (int j = 0; j < d; j++) k[i * d + j] = e.vectors[i * d + j] * s;
        }
        double[] z = new double[n * m];
        for (int b = 0; b < n; b++) for (int i = 0; i < m; i++) {
            double acc = 0;
            for (int j = 0; j < d; j++) acc += k[i * d + j] * (buf[b * d + j] - mo.mean()[j]);
            z[b * m + i] = acc;
        }
        double[] w = FastIca.symmetric(z, n, m, new Rng(seed), maxIter, 1e-6);
        float[] enc = new float[m * d], dec = new float[m * d];
        for (int i = 0; i < m; i++) {
            double[] er = new double[d], dr = new double[d];
            for (int c = 0; c < m; c++) {
                double wic = w[i * m + c], sc = Math.sqrt(Math.max(e.values[c], 1e-12));
                for (int j = 0; j < d; j++) { er[j] += wic * k[c * d + j]; dr[j] += wic * sc * e.vectors[c * d + j]; }
            }
            double skew = 0;
            for (int b = 0; b < n; b++) { double s = 0; for (int c = 0; c < m; c++) s += w[i * m + c] * z[b * m + c]; skew += s * s * s; }
            double norm = 0;
            for (double v : dr) norm += v * v;
            norm = Math.sqrt(norm);
            double sign = skew < 0 ? -1 : 1;
            for (int j = 0; j < d; j++) {
                dec[i * d + j] = (float) (sign * dr[j] / norm);
                enc[i * d + j] = (float) (sign * er[j] * norm);
            }
        }
        return new LinearDictionary("ica", d, m, enc, dec, toFloat(mo.mean()), false, 0);
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }
}
