package dev.loupe.tensor;

/**
 * The exp-based activations of {@link Ops} over a slice [from, to) of an array, in place:
 * {@code gelu_new} (HF "gelu_new", written as {@code x · sigmoid(2u)}) and SiLU, and the softmax
 * numerators. They dominate the elementwise time of a GPT-2 forward pass (one exp per MLP unit and
 * token, one per visible attention score), so {@link VectorActivations}
 * evaluates them eight doubles at a time when {@code jdk.incubator.vector} is present, with the same
 * double-precision expression as the scalar {@link Scalar} here; only the exp differs (the JDK's
 * vectorised exp instead of {@code Math.exp}, both within an ulp of double), so after rounding to
 * float the two agree except in rare last-bit cases ({@code OpsTest} checks within one float ulp).
 * Not a general vector math library.
 */
interface Activations {
    void geluNew(float[] x, int from, int to);

    void silu(float[] x, int from, int to);

    /**
     * {@code dst[dOff + i] = (float) exp(src[sOff + i] − shift)} for i in [0, n), the difference taken
     * in float (softmax numerators); dst may be src at the same offset. Returns the sum of the exps
     * (in double, before rounding to float), the softmax denominator.
     */
    double expShift(float[] src, int sOff, float[] dst, int dOff, int n, float shift);

    /** √(2/π)·2: gelu_new's tanh(u) written as a sigmoid of 2u. */
    double GELU_C = 2 * Math.sqrt(2.0 / Math.PI);

    Activations BEST = choose();

    private static Activations choose() {
        if (Kernels.vectorModulePresent()) {
            try {
                return (Activations) Class.forName("dev.loupe.tensor.VectorActivations").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the scalar version: same values, only slower
            }
        }
        return new Scalar();
    }

    final class Scalar implements Activations {
        @Override public void geluNew(float[] x, int from, int to) {
            for (int i = from; i < to; i++) { double v = x[i]; x[i] = (float) (v / (1.0 + Math.exp(-GELU_C * (v + 0.044715 * v * v * v)))); }
        }

        @Override public void silu(float[] x, int from, int to) {
            for (int i = from; i < to; i++) { double v = x[i]; x[i] = (float) (v / (1.0 + Math.exp(-v))); }
        }

        @Override public double expShift(float[] src, int sOff, float[] dst, int dOff, int n, float shift) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double e = Math.exp(src[sOff + i] - shift);
                dst[dOff + i] = (float) e;
                sum += e;
            }
            return sum;
        }
    }
}
