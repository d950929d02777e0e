package dev.loupe.lm;

/**
 * The elementwise hot loops of LM training over a slice [off, off + n): for softmax the maximum,
 * the shifted exponentials with their sum ({@code dst[i] = exp(src[i] − shift)}; src and dst may be
 * the same array); LayerNorm's row sums and row loops, forward and backward; column sums of
 * gradients; the ReLU backward. With a vocabulary of 4096 the cross-entropy does these over 4096
 * logits per token, as much time as the GEMMs if done one element at a time, so
 * {@link VectorRowKernel} (Vector API, with its own polynomial exp) is used when
 * {@code jdk.incubator.vector} is present, and this scalar version otherwise. Both are
 * deterministic; they differ from each other in the last bits (the vector sums add in float lanes,
 * the scalar ones in double), except the elementwise loops (LayerNorm rows, ReLU backward), which give
 * the same bits.
 */
interface RowKernel {
    float max(float[] x, int off, int n);

    double expShiftSum(float[] src, float[] dst, int off, int n, float shift);

    /** Σ x[i]. */
    double sum(float[] x, int off, int n);

    /** Σ (x[i] − mean)². */
    double sumSquaredDeviations(float[] x, int off, int n, float mean);

    /** Σ a[ao + i] · b[bo + i] over i &lt; n. */
    double dot(float[] a, int ao, float[] b, int bo, int n);

    /** Σ a[ao + i] · b[bo + i] · (x[xo + i] − mean) over i &lt; n: LayerNorm backward's Σ dnorm·(x − mean). */
    double dotDeviations(float[] a, int ao, float[] b, int bo, float[] x, int xo, float mean, int n);

    /** acc[ao + i] += x[xo + i] for i &lt; n (column sums row by row: the same order as a scalar loop). */
    void addTo(float[] x, int xo, float[] acc, int ao, int n);

    /** acc[ao + i] += a[xo + i] · (x[xo + i] − mean) · r for i &lt; n, evaluated left to right (LayerNorm's weight gradient). */
    void addScaledDeviations(float[] a, float[] x, int xo, float mean, float r, float[] acc, int ao, int n);

    /** ReLU backward over [off, off + n), overwriting: {@code dinp[i] = inp[i] > 0 ? dout[i] : 0} (the JIT does not vectorise the scalar form). */
    void reluBackward(float[] dinp, float[] inp, float[] dout, int off, int n);

    /** LayerNorm's output row: out[o + j] = (x[o + j] − mean) · r · p[w + j] + p[b + j] for j &lt; n, evaluated left to right. */
    void normalize(float[] out, float[] x, int o, int n, float mean, float r, float[] p, int w, int b);

    /**
     * LayerNorm's input gradient row: dinp[o + j] += r · (p[w + j] · dout[o + j] − a − ((x[o + j] − mean) · r) · c)
     * for j &lt; n, evaluated left to right (a = mean(dnorm), c = mean(dnorm · xhat)).
     */
    void normalizeBackward(float[] dinp, float[] dout, float[] x, int o, int n, float mean, float r, float a, float c, float[] p, int w);

    RowKernel BEST = choose();

    private static RowKernel choose() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (RowKernel) Class.forName("dev.loupe.lm.VectorRowKernel").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the scalar kernel: same results up to rounding, only slower
            }
        }
        return new Scalar();
    }

    final class Scalar implements RowKernel {
        @Override public float max(float[] x, int off, int n) {
            float m = Float.NEGATIVE_INFINITY;
            for (int i = off; i < off + n; i++) m = Math.max(m, x[i]);
            return m;
        }

        @Override public double expShiftSum(float[] src, float[] dst, int off, int n, float shift) {
            double sum = 0;
            for (int i = off; i < off + n; i++) {
                float e = (float) Math.exp(src[i] - shift);
                dst[i] = e;
                sum += e;
            }
            return sum;
        }

        @Override public double sum(float[] x, int off, int n) {
            double s = 0;
            for (int i = off; i < off + n; i++) s += x[i];
            return s;
        }

        @Override public double sumSquaredDeviations(float[] x, int off, int n, float mean) {
            double s = 0;
            for (int i = off; i < off + n; i++) { float dx = x[i] - mean; s += dx * dx; }
            return s;
        }

        @Override public double dot(float[] a, int ao, float[] b, int bo, int n) {
            double s = 0;
            for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
            return s;
        }

        @Override public double dotDeviations(float[] a, int ao, float[] b, int bo, float[] x, int xo, float mean, int n) {
            double s = 0;
            for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i] * (x[xo + i] - mean);
            return s;
        }

        @Override public void addTo(float[] x, int xo, float[] acc, int ao, int n) {
            for (int i = 0; i < n; i++) acc[ao + i] += x[xo + i];
        }

        @Override public void addScaledDeviations(float[] a, float[] x, int xo, float mean, float r, float[] acc, int ao, int n) {
            for (int i = 0; i < n; i++) acc[ao + i] += a[xo + i] * (x[xo + i] - mean) * r;
        }

        @Override public void normalize(float[] out, float[] x, int o, int n, float mean, float r, float[] p, int w, int b) {
            for (int j = 0; j < n; j++) out[o + j] = (x[o + j] - mean) * r * p[w + j] + p[b + j];
        }

        @Override public void normalizeBackward(float[] dinp, float[] dout, float[] x, int o, int n, float mean, float r, float a, float c,
                                                float[] p, int w) {
            for (int j = 0; j < n; j++) {
                float xhat = (x[o + j] - mean) * r;
                dinp[o + j] += r * (p[w + j] * dout[o + j] - a - xhat * c);
            }
        }

        @Override public void reluBackward(float[] dinp, float[] inp, float[] dout, int off, int n) {
            for (int i = off; i < off + n; i++) dinp[i] = inp[i] > 0f ? dout[i] : 0f;
        }
    }
}
