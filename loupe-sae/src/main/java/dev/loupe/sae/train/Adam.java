package dev.loupe.sae.train;

import dev.loupe.sae.SaeOps;

/**
 * Adam (Kingma and Ba 2015) with bias correction, in the form PyTorch's {@code torch.optim.Adam} uses
 * (no weight decay): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − lr·m̂/(√v̂ + ε). The moment
 * arrays are public state so checkpoints can store them for exact resume.
 */
public final class Adam {
    final float[][] m, v;
    long t;
    private final double beta1, beta2, eps;

    public Adam(int[] sizes, double beta1, double beta2, double eps) {
        m = new float[sizes.length][];
        v = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) { m[i] = new float[sizes[i]]; v[i] = new float[sizes[i]]; }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** One update of every parameter array with its gradient. */
    public void step(float[][] params, float[][] grads, double lr) {
        t++;
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        float a = (float) (lr / bc1), b1 = (float) beta1, b2 = (float) beta2, e = (float) eps;
        float sq = (float) (1 / Math.sqrt(bc2));
        for (int p = 0; p < params.length; p++) {
            float[] w = params[p], g = grads[p], mm = m[p], vv = v[p];
            SaeOps.forRange(w.length, 8, (from, to) -> {   // elementwise: the split does not change any value
                for (int i = from; i < to; i++) {
                    float gi = g[i];
                    mm[i] = b1 * mm[i] + (1 - b1) * gi;
                    vv[i] = b2 * vv[i] + (1 - b2) * gi * gi;
                    w[i] -= a * mm[i] / ((float) Math.sqrt(vv[i]) * sq + e);
                }
            });
        }
    }

    /** Forget the moments of entries [from, to) of parameter p (after resampling those weights). */
    public void reset(int p, int from, int to) {
        java.util.Arrays.fill(m[p], from, to, 0f);
        java.util.Arrays.fill(v[p], from, to, 0f);
    }
}
