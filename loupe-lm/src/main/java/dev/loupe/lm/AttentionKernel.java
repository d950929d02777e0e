package dev.loupe.lm;

/**
 * A faster implementation of the trainer's causal attention for some head widths, with exactly the
 * contract of {@link Layers#attentionForward} and {@link Layers#attentionBackward} (which use it when
 * {@link #supports} says so and are the reference otherwise). The one implementation,
 * {@link VectorAttention}, needs {@code jdk.incubator.vector} and is loaded reflectively, as
 * {@link RowKernel}'s vector version is.
 */
interface AttentionKernel {
    /** Whether heads of width dh are handled (else the caller uses the GEMM version). */
    boolean supports(int dh);

    void forward(float[] out, float[] att, float[] qkv, int bsz, int t, int d, int h);

    void backward(float[] dqkv, float[] dout, float[] qkv, float[] att, int bsz, int t, int d, int h);

    /** The vector kernel, or null without the Vector API module. */
    AttentionKernel VECTOR = load();

    private static AttentionKernel load() {
        if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) return null;
        try {
            return (AttentionKernel) Class.forName("dev.loupe.lm.VectorAttention").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;   // the GEMM version computes the same, only slower
        }
    }
}
