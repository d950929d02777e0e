package dev.loupe.sae;

import dev.loupe.util.Rng;

/**
 * SAELens architecture {@code jumprelu} (Rajamanoharan et al. 2024, "Jumping Ahead"):
 * pre = (x − b_dec)·W_enc + b_enc, f = pre · H(pre − θ) with θ = exp(log_threshold) > 0 per feature,
 * x̂ = f·W_dec + b_dec. Trained with log_threshold (SAELens saves {@code threshold} = exp of it).
 *
 * <p>Loss (SAELens {@code JumpReLUTrainingSAE}): Σ_d (x̂ − x)² averaged over the batch + λ·mean_b Σ_i
 * H(pre_bi − θ_i) (L0). The step function has zero derivative in θ almost everywhere, so both the
 * JumpReLU and the L0 Heaviside use the paper's straight-through pseudo-derivatives with a rectangle kernel
 * K(u) = 1{|u| < ½} of bandwidth ε:
 * ∂f/∂θ = −(θ/ε)·K((pre − θ)/ε), ∂H/∂θ = −(1/ε)·K((pre − θ)/ε). Without them (autograd through the
 * mask) the threshold never moves, the bug the issue warns about.
 */
public final class JumpReluSae extends Sae {
    private final float[] wEnc, bEnc, logThreshold, wDec, bDec;

    public JumpReluSae(SaeConfig cfg) {
        super(cfg);
        int d = cfg.dIn(), s = cfg.dSae();
        wEnc = addParam("W_enc", d, s);
        bEnc = addParam("b_enc", s);
        wDec = addParam("W_dec", s, d);
        bDec = addParam("b_dec", d);
        logThreshold = addParam("log_threshold", s);
    }

    public static JumpReluSae init(SaeConfig cfg, Rng rng, double initThreshold) {
        JumpReluSae sae = new JumpReluSae(cfg);
        sae.initDecoderAndEncoder(rng, 1f);
        java.util.Arrays.fill(sae.logThreshold, (float) Math.log(initThreshold));
        return sae;
    }

    /** θ = exp(log_threshold), a fresh array [d_sae]. */
    public float[] threshold() {
        float[] t = new float[logThreshold.length];
        for (int i = 0; i < t.length; i++) t[i] = (float) Math.exp(logThreshold[i]);
        return t;
    }

    public void setThreshold(float[] t) {
        for (int i = 0; i < t.length; i++) logThreshold[i] = (float) Math.log(t[i]);
    }

    private float[] preActs(float[] xc, int n) {
        int d = cfg.dIn(), s = cfg.dSae();
        float[] pre = new float[n * s];
        SaeOps.mm(false, false, n, s, d, xc, wEnc, 0f, pre);
        SaeOps.addRows(pre, n, s, bEnc);
        return pre;
    }

    @Override protected float[] encode(float[] x, int n) {
        int s = cfg.dSae();
        float[] f = preActs(SaeOps.center(x, n, cfg.dIn(), bDec), n);
        float[] th = threshold();
        for (int i = 0; i < f.length; i++) if (!(f[i] > th[i % s]) || !(f[i] > 0)) f[i] = 0f;
        return f;
    }

    @Override
    public StepResult step(float[] x, int n, StepCoefficients c, boolean[] dead, float[][] grads, boolean[] fired) {
        int d = cfg.dIn(), s = cfg.dSae();
        float lambda = (float) c.sparsity(), eps = (float) c.bandwidth();
        float[] th = threshold();
        float[] xc = SaeOps.center(x, n, d, bDec);
        float[] pre = preActs(xc, n);                                      // [n, s]
        float[] f = new float[n * s];
        long active = 0;
        for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) {
            int o = b * s + i;
            if (pre[o] > th[i]) { f[o] = pre[o]; active++; fired[i] = true; }
        }
        float[] e = new float[n * d];
        SaeOps.mm(false, false, n, d, s, f, wDec, 0f, e);
        SaeOps.addRows(e, n, d, bDec);
        double sumSq = SaeOps.residualInPlace(e, x);
        double mse = sumSq / n, sparsity = (double) lambda * active / n;

        float[] gWdec = grad(grads, "W_dec"), gbDec = grad(grads, "b_dec"), gbEnc = grad(grads, "b_enc");
        float[] gLogTh = grad(grads, "log_threshold");
        SaeOps.scale(e, 2f / n);
        SaeOps.mm(true, false, s, d, n, f, e, 0f, gWdec);
        SaeOps.colSums(e, n, d, gbDec);
        float[] df = new float[n * s];
        SaeOps.mm(false, true, n, s, d, e, wDec, 0f, df);                  // ∂L/∂f
        double[] gTh = new double[s];
        for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) {
            int o = b * s + i;
            float u = (pre[o] - th[i]) / eps;
            if (u > -0.5f && u < 0.5f) gTh[i] += -(th[i] / eps) * df[o] - lambda / (double) n / eps;
            df[o] = pre[o] > th[i] ? df[o] : 0f;                              // now ∂L/∂pre
        }
        for (int i = 0; i < s; i++) gLogTh[i] = (float) (gTh[i] * th[i]);  // θ = exp(log θ)
        SaeOps.colSums(df, n, s, gbEnc);
        SaeOps.mm(true, false, d, s, n, xc, df, 0f, grad(grads, "W_enc"));
        float[] viaInput = new float[d];
        SaeOps.matVec(wEnc, d, s, gbEnc, viaInput);
        for (int j = 0; j < d; j++) gbDec[j] -= viaInput[j];
        return new StepResult(mse + sparsity, mse, sparsity, 0, sumSq, (double) active / n);
    }

    @Override public void foldInputScale(float scale) {
        super.foldInputScale(scale);
        // pre = (x − b_dec/s)·(s·W_enc) + b_enc is unchanged, so θ stays as it is.
    }
}
