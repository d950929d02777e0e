package dev.loupe.synthetic;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.sae.SaeOps;

/**
 * How well a learned dictionary recovers known features.
 * <ul>
 * <li>MMCS (mean max cosine similarity, Sharkey et al. 2022): for each ground-truth direction, the largest
 *     cosine with any learned direction, averaged over ground-truth features.</li>
 * <li>MCC (mean correlation coefficient after matching): Pearson correlations between each ground-truth
 *     coefficient and each learned code over a sample, a one-to-one matching of ground truth to learned
 *     features maximising Σ|corr| (Hungarian algorithm), and the mean matched |corr|.</li>
 * </ul>
 */
public final class GroundTruthMetrics {
    private GroundTruthMetrics() {}

    /** Learned directions of a dictionary as rows [dFeatures, dIn]. */
    public static float[] directions(Dictionary dict) {
        int m = dict.dFeatures(), d = dict.dIn();
        float[] out = new float[m * d];
        for (int i = 0; i < m; i++) System.arraycopy(dict.direction(i), 0, out, i * d, d);
        return out;
    }

    /** |cosine| is not used: a feature direction and its negation are different features. */
    public static double mmcs(float[] truth, int nTrue, float[] learned, int nLearned, int d) {
        float[] a = unitRows(truth, nTrue, d), b = unitRows(learned, nLearned, d);
        float[] cos = new float[nTrue * nLearned];
        SaeOps.mm(false, true, nTrue, nLearned, d, a, b, 0f, cos);
        double sum = 0;
        for (int i = 0; i < nTrue; i++) {
            float best = -1f;
            for (int j = 0; j < nLearned; j++) best = Math.max(best, cos[i * nLearned + j]);
            sum += best;
        }
        return sum / nTrue;
    }

    public static double mmcs(SyntheticData data, Dictionary dict) {
        return mmcs(data.features(), data.config().nFeatures(), directions(dict), dict.dFeatures(), dict.dIn());
    }

    /**
     * MCC of ground-truth coefficients [rows, nTrue] against learned codes [rows, nLearned], nTrue ≤ nLearned
     * (a feature that never varies correlates 0 with everything).
     */
    public static double mcc(float[] truth, int nTrue, float[] codes, int nLearned, int rows) {
        if (nTrue > nLearned) throw new IllegalArgumentException("MCC needs at least as many learned features (" + nLearned + ") as true ones (" + nTrue + ")");
        float[] a = standardizeColumns(truth, rows, nTrue), b = standardizeColumns(codes, rows, nLearned);
        float[] corr = new float[nTrue * nLearned];
        SaeOps.mm(true, false, nTrue, nLearned, rows, a, b, 0f, corr);   // unit-norm centred columns: dot = Pearson r
        double[][] cost = new double[nTrue][nLearned];
        for (int i = 0; i < nTrue; i++) for (int j = 0; j < nLearned; j++) cost[i][j] = -Math.abs(corr[i * nLearned + j]);
        int[] match = Hungarian.solve(cost);
        double sum = 0;
        for (int i = 0; i < nTrue; i++) sum += -cost[i][match[i]];
        return sum / nTrue;
    }

    /** MCC of a dictionary on fresh samples of the data set (rows generated from the given start row). */
    public static double mcc(SyntheticData data, Dictionary dict, long fromRow, int rows) {
        int n = data.config().nFeatures(), d = data.config().dim();
        float[] coeffs = new float[rows * n];
        float[] x = data.rows(fromRow, rows, coeffs);
        float[] codes = dict.encode(new dev.loupe.tensor.Tensor(x, rows, d)).data();
        return mcc(coeffs, n, codes, dict.dFeatures(), rows);
    }

    private static float[] unitRows(float[] w, int n, int d) {
        float[] out = w.clone();
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) out[i * d + j] * out[i * d + j];
            float inv = s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
            for (int j = 0; j < d; j++) out[i * d + j] *= inv;
        }
        return out;
    }

    /** Columns scaled to zero mean and unit norm (so Σ_rows products are Pearson correlations). */
    private static float[] standardizeColumns(float[] x, int rows, int cols) {
        double[] mean = new double[cols], ss = new double[cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) mean[c] += x[r * cols + c];
        for (int c = 0; c < cols; c++) mean[c] /= rows;
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) { double t = x[r * cols + c] - mean[c]; ss[c] += t * t; }
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++)
            out[r * cols + c] = ss[c] > 0 ? (float) ((x[r * cols + c] - mean[c]) / Math.sqrt(ss[c])) : 0f;
        return out;
    }
}
