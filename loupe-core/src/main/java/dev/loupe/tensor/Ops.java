package dev.loupe.tensor;

import java.util.function.IntConsumer;

/**
 * The fp32 elementwise and row-wise operations a transformer forward pass needs, on raw row-major
 * arrays ({@code rows × cols}, row stride = cols unless stated).
 *
 * <p>What it is not: matrix multiplication (that is {@link Kernels#gemm()}), and not a tensor
 * library: no broadcasting, no views. Every op says in its Javadoc which formula it implements; they
 * must agree with the HF {@code transformers} definitions quoted in
 * {@code ../shared/fixtures/models/README.md} §6 (LayerNorm with biased variance and eps inside the
 * sqrt, RMSNorm, exact-erf GELU vs the tanh "gelu_new", SiLU, rotate-half and interleaved RoPE).
 *
 * <p>Row loops go through {@link #forRows}, the single place to switch to a parallel split; the
 * elementwise ops split their range the same way once it is long enough ({@link #forElements}), so
 * between two parallel GEMMs of a forward pass the second core is not left idle. Every element is
 * computed by the same expression whatever the split, so results do not depend on the thread count.
 */
public final class Ops {
    private Ops() {}

    /**
     * Runs {@code body} over [0, n) split across the {@link Parallel} pool: the one place where the
     * engine's parallelism is switched on. Bodies must only write to disjoint index ranges; chunk-local
     * scratch goes inside the body. Called from inside a pool thread it runs sequentially.
     */
    public static void forRange(int n, Parallel.IntRangeBody body) {
        Parallel.forRange(n, body);
    }

    /** Elements below which an elementwise op stays on the calling thread (a hand-off costs more). */
    private static final int ELEMENT_GRAIN = 1 << 15;

    /** Runs {@code body} over [0, n) elements, split as {@link #forRange} into chunks of ELEMENT_GRAIN or more. */
    private static void forElements(int n, Parallel.IntRangeBody body) {
        Parallel.forRange(n, ELEMENT_GRAIN, body);
    }

    /** Runs {@code body} over [0, rows) rows of {@code cols} elements, in chunks of about ELEMENT_GRAIN elements or more. */
    private static void forRowChunks(int rows, int cols, Parallel.IntRangeBody body) {
        Parallel.forRange(rows, Math.max(1, ELEMENT_GRAIN / Math.max(1, cols)), body);
    }

    /** Runs {@code body} for each row 0..n-1, split as {@link #forRange}. */
    public static void forRows(int n, IntConsumer body) {
        forRange(n, (from, to) -> { for (int i = from; i < to; i++) body.accept(i); });
    }

    /** {@code out[i] = a[i] + b[i]} for n elements; out may alias a or b. */
    public static void add(float[] a, float[] b, float[] out, int n) {
        forElements(n, (from, to) -> { for (int i = from; i < to; i++) out[i] = a[i] + b[i]; });
    }

    /** {@code out[i] = a[i] · b[i]} for n elements; out may alias a or b. */
    public static void mul(float[] a, float[] b, float[] out, int n) {
        forElements(n, (from, to) -> { for (int i = from; i < to; i++) out[i] = a[i] * b[i]; });
    }

    /** {@code x[xOff + i] += y[yOff + i]} for i in [0, n), on the calling thread (a row loop's body). */
    public static void addTo(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) x[xOff + i] += y[yOff + i];
    }

    /** {@code x[i] *= s}. */
    public static void scale(float[] x, int n, float s) {
        forElements(n, (from, to) -> { for (int i = from; i < to; i++) x[i] *= s; });
    }

    /** Adds a bias row to each of {@code rows} rows of x [rows, cols]. */
    public static void addBias(float[] x, int rows, int cols, float[] bias) {
        forRowChunks(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * cols;
                for (int j = 0; j < cols; j++) x[o + j] += bias[j];
            }
        });
    }

    /** Copies {@code row} into each of {@code rows} rows of x [rows, cols] (a bias, before a GEMM adds onto it). */
    public static void fillRows(float[] x, int rows, int cols, float[] row) {
        forRowChunks(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) System.arraycopy(row, 0, x, r * cols, cols);
        });
    }

    /**
     * LayerNorm's denominator (torch.nn.LayerNorm, TL {@code hook_scale}): {@code scale[r] = sqrt(var + eps)}
     * with the biased variance of row r. Accumulated in double so it does not depend on the row length.
     */
    public static void layerNormScale(float[] x, int rows, int d, double eps, float[] scale) {
        forRows(rows, r -> scale[r] = layerNormScale(x, r * d, d, rowMean(x, r * d, d), eps));
    }

    /** {@code out = (x − mean(x)) / scale · w + b} per row (w, b may be null for none). */
    public static void layerNormApply(float[] x, int rows, int d, float[] scale, float[] w, float[] b, float[] out) {
        forRows(rows, r -> layerNormRow(x, r * d, d, (float) rowMean(x, r * d, d), scale[r], w, b, out));
    }

    /**
     * {@link #layerNormScale} and {@link #layerNormApply} in one pass over the rows (the same values,
     * each row's mean computed once): {@code scale[r] = sqrt(var + eps)}, {@code out = (x − mean) / scale · w + b}.
     */
    public static void layerNorm(float[] x, int rows, int d, double eps, float[] w, float[] b, float[] scale, float[] out) {
        forRows(rows, r -> {
            double mean = rowMean(x, r * d, d);
            scale[r] = layerNormScale(x, r * d, d, mean, eps);
            layerNormRow(x, r * d, d, (float) mean, scale[r], w, b, out);
        });
    }

    private static double rowMean(float[] x, int o, int d) {
        double mean = 0;
        for (int j = 0; j < d; j++) mean += x[o + j];
        return mean / d;
    }

    private static float layerNormScale(float[] x, int o, int d, double mean, double eps) {
        double var = 0;
        for (int j = 0; j < d; j++) { double c = x[o + j] - mean; var += c * c; }
        return (float) Math.sqrt(var / d + eps);
    }

    private static void layerNormRow(float[] x, int o, int d, float m, float s, float[] w, float[] b, float[] out) {
        for (int j = 0; j < d; j++) {
            float v = (x[o + j] - m) / s;
            if (w != null) v *= w[j];
            if (b != null) v += b[j];
            out[o + j] = v;
        }
    }

    /** Computes {@code scale[r] = sqrt(mean(x²) + eps)} (RMSNorm's denominator, TL {@code hook_scale}). */
    public static void rmsScale(float[] x, int rows, int d, double eps, float[] scale) {
        forRows(rows, r -> {
            int o = r * d;
            double ss = 0;
            for (int j = 0; j < d; j++) ss += (double) x[o + j] * x[o + j];
            scale[r] = (float) Math.sqrt(ss / d + eps);
        });
    }

    /** {@code out[r, j] = x[r, j] / scale[r]} (RMSNorm before its weight). out may alias x. */
    public static void divideRows(float[] x, int rows, int d, float[] scale, float[] out) {
        forRows(rows, r -> {
            int o = r * d;
            float s = scale[r];
            for (int j = 0; j < d; j++) out[o + j] = x[o + j] / s;
        });
    }

    /** {@code x[r, j] *= w[j]} (the elementwise weight of a norm). */
    public static void mulRows(float[] x, int rows, int d, float[] w) {
        forRowChunks(rows, d, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * d;
                for (int j = 0; j < d; j++) x[o + j] *= w[j];
            }
        });
    }

    /**
     * Causal softmax over the rows of a score block [sq, sk] (row stride sk) whose query i sits at
     * absolute position {@code offset + i} and may see keys 0..offset+i; {@code pattern} is exactly 0
     * above that (whatever {@code scores} holds there). {@code pattern} may alias {@code scores}.
     */
    public static void causalSoftmax(float[] scores, int sOff, float[] pattern, int pOff, int sq, int sk, int offset) {
        for (int i = 0; i < sq; i++) {
            int srow = sOff + i * sk, prow = pOff + i * sk;
            int last = Math.min(sk - 1, offset + i);
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t <= last; t++) max = Math.max(max, scores[srow + t]);
            float inv = (float) (1.0 / Activations.BEST.expShift(scores, srow, pattern, prow, last + 1, max));
            for (int t = 0; t <= last; t++) pattern[prow + t] *= inv;
            for (int t = last + 1; t < sk; t++) pattern[prow + t] = 0f;
        }
    }

    /** Sets the entries above the causal diagonal of a [sq, sk] score block to −inf. */
    public static void causalMask(float[] scores, int sOff, int sq, int sk, int offset) {
        for (int i = 0; i < sq; i++) {
            for (int t = Math.max(0, offset + i + 1); t < sk; t++) scores[sOff + i * sk + t] = Float.NEGATIVE_INFINITY;
        }
    }

    // ---- activations (in place over n elements) ----

    /** Exact GELU, HF "gelu": {@code x · ½ · (1 + erf(x/√2))}, evaluated in double. */
    public static void gelu(float[] x, int n) {
        final double invSqrt2 = 1.0 / Math.sqrt(2.0);
        forElements(n, (from, to) -> {
            for (int i = from; i < to; i++) { double v = x[i]; x[i] = (float) (0.5 * v * (1.0 + erf(v * invSqrt2))); }
        });
    }

    /**
     * Tanh-approximated GELU, HF "gelu_new": {@code ½x(1 + tanh(u))}, {@code u = √(2/π)(x + 0.044715x³)},
     * evaluated as the identical {@code x · sigmoid(2u)} (one exp instead of a tanh), in double, vectorised
     * where the Vector API is present ({@link Activations}).
     */
    public static void geluNew(float[] x, int n) {
        forElements(n, (from, to) -> Activations.BEST.geluNew(x, from, to));
    }

    public static void relu(float[] x, int n) {
        forElements(n, (from, to) -> { for (int i = from; i < to; i++) x[i] = Math.max(0f, x[i]); });
    }

    /** SiLU (swish): {@code x · sigmoid(x)}. */
    public static void silu(float[] x, int n) {
        forElements(n, (from, to) -> Activations.BEST.silu(x, from, to));
    }

    /**
     * The error function, to ~1e-15 absolute. For |x| &lt; 6: a degree-{@value #ERF_DEGREE} Taylor
     * expansion around the nearest point x0 of a grid with step 1/{@value #ERF_GRID} (|x − x0| ≤ 1/64;
     * remainder &lt; 1e-17), whose coefficients {@code erf⁽ᵏ⁾(x0)/k!} come from {@link #erfSeries} and the
     * Hermite recurrence {@code erf⁽ᵏ⁾(x) = 2/√π · (−1)^(k−1) H_(k−1)(x) e^(−x²)}. Beyond 6, erf is ±1
     * in double (erfc(6) ≈ 2e-17).
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax >= 6.0) return Math.copySign(1.0, x);
        int i = (int) (ax * ERF_GRID + 0.5);
        double h = ax - (double) i / ERF_GRID;
        int o = i * (ERF_DEGREE + 1);
        double r = ERF_COEF[o + ERF_DEGREE];
        for (int k = ERF_DEGREE - 1; k >= 0; k--) r = r * h + ERF_COEF[o + k];
        return Math.copySign(Math.min(r, 1.0), x);
    }

    private static final int ERF_GRID = 32, ERF_DEGREE = 9;
    private static final double[] ERF_COEF = erfTable();

    private static double[] erfTable() {
        int n = 6 * ERF_GRID + 1;
        double[] c = new double[n * (ERF_DEGREE + 1)];
        double twoOverSqrtPi = 2.0 / Math.sqrt(Math.PI);
        for (int i = 0; i < n; i++) {
            double x0 = (double) i / ERF_GRID, g = twoOverSqrtPi * Math.exp(-x0 * x0);
            int o = i * (ERF_DEGREE + 1);
            c[o] = erfSeries(x0);
            double hPrev = 0, hCur = 1, fact = 1;        // H_{-1} unused, H_0 = 1
            for (int k = 1; k <= ERF_DEGREE; k++) {
                int m = k - 1;                          // erf^(k) = g · (−1)^m H_m(x0)
                fact *= k;
                c[o + k] = ((m % 2 == 0) ? 1 : -1) * hCur * g / fact;
                double hNext = 2 * x0 * hCur - 2 * m * hPrev;
                hPrev = hCur;
                hCur = hNext;
            }
        }
        return c;
    }

    /**
     * erf by the everywhere-positive series {@code 2/√π · e^(−x²) · Σ (2x²)ⁿ x / (2n+1)!!} (no
     * cancellation, so a few ulps of relative error; up to ~200 terms near 6). Builds the table of {@link #erf}.
     */
    static double erfSeries(double x) {
        double ax = Math.abs(x);
        if (ax >= 6.0) return Math.copySign(1.0, x);
        double x2 = ax * ax, term = ax, sum = ax;
        for (int n = 0; n < 400; n++) {
            term *= 2.0 * x2 / (2 * n + 3);
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        return Math.copySign(Math.min(2.0 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum, 1.0), x);
    }

    // ---- rotary position embedding ----

    /**
     * cos/sin tables [nPos, rotaryDim/2] with angle {@code p · base^(−2i/rotaryDim)}, computed in
     * double and rounded once.
     */
    public static float[][] ropeTables(int nPos, int rotaryDim, double base) {
        int half = rotaryDim / 2;
        float[] cos = new float[nPos * half], sin = new float[nPos * half];
        for (int p = 0; p < nPos; p++) {
            for (int i = 0; i < half; i++) {
                double ang = p * Math.pow(base, -2.0 * i / rotaryDim);
                cos[p * half + i] = (float) Math.cos(ang);
                sin[p * half + i] = (float) Math.sin(ang);
            }
        }
        return new float[][]{cos, sin};
    }

    /**
     * Rotates in place the leading {@code rotaryDim} dims of each head of x [rows, heads, dHead],
     * row r being at position {@code pos[r]}. Rotate-half (NeoX/HF Llama) pairs dims (i, i + r/2);
     * interleaved (llama2.c, Meta Llama) pairs (2i, 2i+1). Dims ≥ rotaryDim pass through.
     */
    public static void rope(float[] x, int rows, int heads, int dHead, int rotaryDim, int[] pos,
                            float[] cos, float[] sin, boolean interleaved) {
        int half = rotaryDim / 2;
        forRows(rows, r -> {
            int t = pos[r] * half;
            for (int h = 0; h < heads; h++) {
                int o = (r * heads + h) * dHead;
                for (int i = 0; i < half; i++) {
                    int a = interleaved ? o + 2 * i : o + i;
                    int b = interleaved ? a + 1 : a + half;
                    float c = cos[t + i], s = sin[t + i];
                    float xa = x[a], xb = x[b];
                    x[a] = xa * c - xb * s;
                    x[b] = xb * c + xa * s;
                }
            }
        });
    }

    /** Copies rows {@code ids[i]} of table [n, d] into out [ids.length, d]. */
    public static void gather(float[] table, int d, int[] ids, float[] out) {
        for (int i = 0; i < ids.length; i++) System.arraycopy(table, ids[i] * d, out, i * d, d);
    }
}
