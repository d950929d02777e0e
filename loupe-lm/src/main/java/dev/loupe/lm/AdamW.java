package dev.loupe.lm;

import dev.loupe.tensor.Ops;

/**
 * AdamW as in PyTorch's {@code torch.optim.AdamW} (decoupled weight decay {@code p -= lr·wd·p},
 * bias-corrected moments), with weight decay only on the matrices ({@link ParamLayout.P#decay}),
 * as nanoGPT does. Moments are plain arrays so checkpoints can save and restore them exactly.
 */
public final class AdamW {
    /** Elements per parallel block of the update and of the gradient norm (fixed: results do not depend on the thread count). */
    private static final int BLOCK = 8192;

    private final float[] m, v;
    private final float[] decay;   // 1 where weight decay applies, else 0: a multiplier keeps the update loop branch-free

    public AdamW(ParamLayout layout) {
        m = new float[layout.total()];
        v = new float[layout.total()];
        decay = new float[layout.total()];
        for (ParamLayout.Slice s : layout.slices()) {
            if (s.p().decay) java.util.Arrays.fill(decay, s.offset(), s.offset() + s.size(), 1f);
        }
    }

    public float[] m() { return m; }
    public float[] v() { return v; }

    /** One update; {@code t} is the 1-based step count, {@code gradScale} the clipping factor. */
    public void step(float[] params, float[] grads, float gradScale, double lr, double beta1, double beta2,
                     double eps, double weightDecay, long t) {
        float b1 = (float) beta1, b2 = (float) beta2;
        float c1 = (float) (1 - Math.pow(beta1, t)), c2 = (float) (1 - Math.pow(beta2, t));
        float flr = (float) lr, feps = (float) eps, wd = (float) (lr * weightDecay);
        Ops.forRows((params.length + BLOCK - 1) / BLOCK, blk -> {
            int end = Math.min(params.length, blk * BLOCK + BLOCK);
            for (int i = blk * BLOCK; i < end; i++) {
                float g = grads[i] * gradScale;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                float mh = m[i] / c1, vh = v[i] / c2;
                float p = params[i];
                p -= wd * decay[i] * p;   // wd·1·p = wd·p exactly; wd·0·p = 0
                params[i] = p - flr * mh / ((float) Math.sqrt(vh) + feps);
            }
        });
    }

    /**
     * Global L2 norm of the gradient: squares summed per fixed block of {@value #BLOCK} elements (blocks
     * in parallel; within a block in float vector lanes of {@link RowKernel#sumSquaredDeviations}, whose
     * lanes are added in double, in lane order), then the block sums in block order in double, so the
     * result is the same for every thread count. With 16 lanes each lane adds 512 squares (worst-case
     * relative error 512 · 2^-24 ≈ 3e-5, typically ~1e-7; the norm only sets the clipping factor and the log line).
     */
    public static double globalNorm(float[] grads) {
        int blocks = (grads.length + BLOCK - 1) / BLOCK;
        double[] partial = new double[blocks];
        Ops.forRows(blocks, blk -> {
            int from = blk * BLOCK, end = Math.min(grads.length, from + BLOCK);
            partial[blk] = RowKernel.BEST.sumSquaredDeviations(grads, from, end - from, 0f);
        });
        double s = 0;
        for (double p : partial) s += p;
        return Math.sqrt(s);
    }
}
