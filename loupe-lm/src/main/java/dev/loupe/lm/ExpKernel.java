package dev.loupe.lm;

/**
 * The softmax hot spot of LM training: {@code dst[i] = exp(src[i] − shift)} over a row slice
 * [off, off + n), returning the sum (src and dst may be the same array). With a vocabulary of 4096 this is 4096 exponentials per token, as much time as the GEMMs if
 * done one {@code Math.exp} at a time, so {@link VectorExpKernel} (Vector API, the JDK's vectorised
 * exp) is used when {@code jdk.incubator.vector} is present, and this scalar version otherwise.
 * Both are deterministic; they may differ from each other in the last bit.
 */
interface ExpKernel {
    double expShiftSum(float[] src, float[] dst, int off, int n, float shift);

    ExpKernel BEST = choose();

    private static ExpKernel choose() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (ExpKernel) Class.forName("dev.loupe.lm.VectorExpKernel").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the scalar kernel: same results up to rounding, only slower
            }
        }
        return new Scalar();
    }

    final class Scalar implements ExpKernel {
        @Override public double expShiftSum(float[] src, float[] dst, int off, int n, float shift) {
            double sum = 0;
            for (int i = off; i < off + n; i++) {
                float e = (float) Math.exp(src[i] - shift);
                dst[i] = e;
                sum += e;
            }
            return sum;
        }
    }
}
