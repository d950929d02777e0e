package dev.loupe.sae;

import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.Parallel;

import java.util.function.IntConsumer;

/**
 * Dense helpers shared by the SAE variants and the trainer: a row-major GEMM shorthand that always goes
 * through {@link Kernels#gemm()}, bias broadcasts, column sums, row norms, and the parallel loop shapes
 * the fused elementwise passes use. Shapes in the comments name the arrays as stored (row-major).
 *
 * <p>Determinism: reductions over the batch are done per fixed block of {@link #ROW_BLOCK} rows and the
 * block partials are added in block order, so the SAE's own sums do not depend on the thread count
 * (exact resume only needs the same count; whether the GEMM backend's results do is the backend's
 * business).
 */
public final class SaeOps {
    /** Rows per block of the fused [n, d_sae] passes (block partials of column sums are kept per block). */
    public static final int ROW_BLOCK = 128;

    private SaeOps() {}

    /** A body over one block of rows [from, to); {@code block} indexes its partial-sum slot. */
    @FunctionalInterface
    public interface BlockBody {
        void run(int block, int from, int to);
    }

    /**
     * Fewest scalar operations worth handing to another thread: below it the hand-off costs more than it
     * saves (and small SAEs, e.g. the synthetic tests' 128 × 1024, stay on the calling thread).
     */
    static final long MIN_PARALLEL_WORK = 1 << 18;

    /** Runs body over [0, n) in parallel chunks of at least MIN_PARALLEL_WORK / workPerIndex indices. */
    public static void forRange(int n, long workPerIndex, Parallel.IntRangeBody body) {
        Parallel.forRange(n, (int) Math.max(1, MIN_PARALLEL_WORK / Math.max(1, workPerIndex)), body);
    }

    /** Per-index form of {@link #forRange(int, long, Parallel.IntRangeBody)}. */
    public static void forRows(int n, long workPerIndex, IntConsumer body) {
        forRange(n, workPerIndex, (a, b) -> { for (int i = a; i < b; i++) body.accept(i); });
    }

    /** Number of {@link #ROW_BLOCK}-row blocks covering n rows. */
    public static int rowBlocks(int n) { return (n + ROW_BLOCK - 1) / ROW_BLOCK; }

    /** Runs body over the row blocks of [0, n), spread over the worker pool. */
    public static void forRowBlocks(int n, long workPerRow, BlockBody body) {
        forRange(rowBlocks(n), workPerRow * ROW_BLOCK, (b0, b1) -> {
            for (int blk = b0; blk < b1; blk++) body.run(blk, blk * ROW_BLOCK, Math.min(n, (blk + 1) * ROW_BLOCK));
        });
    }

    /** out[j] = Σ_block part[block, j] [blocks, width], added in block order (double), parallel over j. */
    public static void sumBlocks(float[] part, int blocks, int width, double[] out) {
        forRange(width, blocks, (j0, j1) -> {
            for (int j = j0; j < j1; j++) out[j] = 0;
            for (int blk = 0; blk < blocks; blk++) {
                int o = blk * width;
                for (int j = j0; j < j1; j++) out[j] += part[o + j];
            }
        });
    }

    /** c[m,n] = op(a)·op(b) + beta·c with op(a) [m,k], op(b) [k,n]; a stored [m,k] or [k,m] when tA. */
    public static void mm(boolean tA, boolean tB, int m, int n, int k, float[] a, float[] b, float beta, float[] c) {
        Kernels.gemm().sgemm(tA, tB, m, n, k, 1f, a, 0, tA ? m : k, b, 0, tB ? k : n, beta, c, 0, n);
    }

    /** y[n, d] += bias[d] on every row. */
    public static void addRows(float[] y, int n, int d, float[] bias) {
        forRows(n, d, b -> {
            int o = b * d;
            for (int j = 0; j < d; j++) y[o + j] += bias[j];
        });
    }

    /** y[n, d] = ReLU(y + bias[d]) on every row (NaN to 0): an encoder's bias and activation in one parallel pass. */
    public static void addRowsRelu(float[] y, int n, int d, float[] bias) {
        forRows(n, d, b -> {
            int o = b * d;
            for (int j = 0; j < d; j++) {
                float v = y[o + j] + bias[j];
                y[o + j] = v > 0 ? v : 0f;
            }
        });
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
        forRows(rows, cols, i -> out[i] = (float) Math.sqrt(rowDot(w, i * cols, w, i * cols, cols)));
        return out;
    }

    /**
     * Σ_j a[ao + j]·b[bo + j] over n entries: eight interleaved float sums (independent add chains; C2 does
     * not vectorize one ordered float sum), combined in double.
     */
    public static double rowDot(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int j = 0;
        for (; j + 7 < n; j += 8) {
            s0 += a[ao + j] * b[bo + j];
            s1 += a[ao + j + 1] * b[bo + j + 1];
            s2 += a[ao + j + 2] * b[bo + j + 2];
            s3 += a[ao + j + 3] * b[bo + j + 3];
            s4 += a[ao + j + 4] * b[bo + j + 4];
            s5 += a[ao + j + 5] * b[bo + j + 5];
            s6 += a[ao + j + 6] * b[bo + j + 6];
            s7 += a[ao + j + 7] * b[bo + j + 7];
        }
        for (; j < n; j++) s0 += a[ao + j] * b[bo + j];
        return ((double) s0 + s1) + ((double) s2 + s3) + (((double) s4 + s5) + ((double) s6 + s7));
    }

    /** xc = x − b_dec on every row (the SAELens {@code apply_b_dec_to_input} centring). */
    public static float[] center(float[] x, int n, int d, float[] bDec) {
        return centerInto(x, n, d, bDec, new float[n * d]);
    }

    /** {@link #center} into a caller-owned xc [n, d]; returns it. */
    public static float[] centerInto(float[] x, int n, int d, float[] bDec, float[] xc) {
        forRows(n, d, b -> {
            int o = b * d;
            for (int j = 0; j < d; j++) xc[o + j] = x[o + j] - bDec[j];
        });
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

    /**
     * Fused decoder tail for x̂ [n, d] (bias not yet added): e = x̂ + b_dec − x in place, returns Σ e²
     * (per-block partials in block order), and writes the MSE gradient dx̂ = 2/n · e into {@code dxhat}
     * (may be e itself, then e is not kept).
     */
    public static double residualAndGrad(float[] xhat, float[] bDec, float[] x, int n, int d, float[] dxhat) {
        double[] part = new double[rowBlocks(n)];
        float g = 2f / n;
        forRowBlocks(n, d, (blk, r0, r1) -> {
            double s = 0;
            for (int b = r0; b < r1; b++) {
                int o = b * d;
                for (int j = 0; j < d; j++) {
                    float e = xhat[o + j] + bDec[j] - x[o + j];
                    xhat[o + j] = e;
                    s += (double) e * e;
                    dxhat[o + j] = g * e;
                }
            }
            part[blk] = s;
        });
        double s = 0;
        for (double v : part) s += v;
        return s;
    }

    /** a[i] *= s. */
    public static void scale(float[] a, float s) {
        for (int i = 0; i < a.length; i++) a[i] *= s;
    }

    /** out[rows] = w[rows, cols] · v[cols]. */
    public static void matVec(float[] w, int rows, int cols, float[] v, float[] out) {
        forRows(rows, cols, i -> out[i] = (float) rowDot(w, i * cols, v, 0, cols));
    }
}
