package dev.loupe.sae;

import dev.loupe.tensor.Kernels;

/**
 * Small dense helpers shared by the SAE variants: a row-major GEMM shorthand that always goes through
 * {@link Kernels#gemm()}, bias broadcasts, column sums and row norms. Shapes in the comments name the
 * arrays as stored (row-major).
 */
public final class SaeOps {
    private SaeOps() {}

    /** c[m,n] = op(a)·op(b) + beta·c with op(a) [m,k], op(b) [k,n]; a stored [m,k] or [k,m] when tA. */
    public static void mm(boolean tA, boolean tB, int m, int n, int k, float[] a, float[] b, float beta, float[] c) {
        Kernels.gemm().sgemm(tA, tB, m, n, k, 1f, a, 0, tA ? m : k, b, 0, tB ? k : n, beta, c, 0, n);
    }

    /** y[n, d] += bias[d] on every row. */
    public static void addRows(float[] y, int n, int d, float[] bias) {
        for (int b = 0; b < n; b++) {
            int o = b * d;
            for (int j = 0; j < d; j++) y[o + j] += bias[j];
        }
    }

    /** out[d] = Σ_rows y[n, d] (accumulated in double for stable gradients). */
    public static void colSums(float[] y, int n, int d, float[] out) {
        double[] acc = new double[d];
        for (int b = 0; b < n; b++) {
            int o = b * d;
            for (int j = 0; j < d; j++) acc[j] += y[o + j];
        }
        for (int j = 0; j < d; j++) out[j] = (float) acc[j];
    }

    /** ‖row i‖₂ of w [rows, cols]. */
    public static float[] rowNorms(float[] w, int rows, int cols) {
        float[] out = new float[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            int o = i * cols;
            for (int j = 0; j < cols; j++) s += (double) w[o + j] * w[o + j];
            out[i] = (float) Math.sqrt(s);
        }
        return out;
    }

    /** xc = x − b_dec on every row (the SAELens {@code apply_b_dec_to_input} centring). */
    public static float[] center(float[] x, int n, int d, float[] bDec) {
        float[] xc = new float[n * d];
        for (int b = 0; b < n; b++) {
            int o = b * d;
            for (int j = 0; j < d; j++) xc[o + j] = x[o + j] - bDec[j];
        }
        return xc;
    }

    /**
     * Reconstruction error e = x̂ − x (written into xhat) and Σ e² in double; used by every variant's
     * MSE term.
     */
    public static double residualInPlace(float[] xhat, float[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            float e = xhat[i] - x[i];
            xhat[i] = e;
            s += (double) e * e;
        }
        return s;
    }

    /** a[i] *= s. */
    public static void scale(float[] a, float s) {
        for (int i = 0; i < a.length; i++) a[i] *= s;
    }

    /** out[rows] = w[rows, cols] · v[cols]. */
    public static void matVec(float[] w, int rows, int cols, float[] v, float[] out) {
        for (int i = 0; i < rows; i++) {
            double s = 0;
            int o = i * cols;
            for (int j = 0; j < cols; j++) s += (double) w[o + j] * v[j];
            out[i] = (float) s;
        }
    }
}
