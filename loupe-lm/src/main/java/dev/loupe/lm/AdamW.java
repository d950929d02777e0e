package dev.loupe.lm;

import dev.loupe.tensor.Ops;

/**
 * AdamW as in PyTorch's {@code torch.optim.AdamW} (decoupled weight decay {@code p -= lr·wd·p},
 * bias-corrected moments), with weight decay only on the matrices ({@link ParamLayout.P#decay}),
 * as nanoGPT does. Moments are plain arrays so checkpoints can save and restore them exactly.
 */
public final class AdamW {
    private final float[] m, v;
    private final boolean[] decay;

    public AdamW(ParamLayout layout) {
        m = new float[layout.total()];
        v = new float[layout.total()];
        decay = new boolean[layout.total()];
        for (ParamLayout.Slice s : layout.slices()) {
            if (s.p().decay) java.util.Arrays.fill(decay, s.offset(), s.offset() + s.size(), true);
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
        Ops.forRows((params.length + 8191) / 8192, blk -> {
            int end = Math.min(params.length, blk * 8192 + 8192);
            for (int i = blk * 8192; i < end; i++) {
                float g = grads[i] * gradScale;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                float mh = m[i] / c1, vh = v[i] / c2;
                float p = params[i];
                if (decay[i]) p -= wd * p;
                params[i] = p - flr * mh / ((float) Math.sqrt(vh) + feps);
            }
        });
    }

    /** Global L2 norm of the gradient, summed in a fixed order in double (deterministic). */
    public static double globalNorm(float[] grads) {
        double s = 0;
        for (float g : grads) s += (double) g * g;
        return Math.sqrt(s);
    }
}
