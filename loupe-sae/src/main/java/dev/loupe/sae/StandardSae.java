package dev.loupe.sae;

import dev.loupe.util.Rng;

/**
 * SAELens architecture {@code standard}: f = ReLU((x − b_dec)·W_enc + b_enc), x̂ = f·W_dec + b_dec, and
 * the tied variant of Cunningham et al. 2023 where the encoder is W_decᵀ (one matrix M: c = ReLU(Mx + b),
 * x̂ = Mᵀc, plus the SAELens decoder bias).
 *
 * <p>Loss (SAELens {@code StandardTrainingSAE}): Σ_d (x̂ − x)² averaged over the batch, plus
 * λ · mean_b Σ_i f_bi ‖W_dec,i‖ — the L1 penalty weighted by decoder row norms, which equals plain L1 when
 * the trainer keeps rows at unit norm. Not here: resampling and the unit-norm constraint (trainer).
 */
public final class StandardSae extends Sae {
    private final float[] wEnc;   // [d_in, d_sae]; null when tied
    private final float[] bEnc;   // [d_sae]
    private final float[] wDec;   // [d_sae, d_in]
    private final float[] bDec;   // [d_in]

    public StandardSae(SaeConfig cfg) {
        super(cfg);
        int d = cfg.dIn(), s = cfg.dSae();
        wEnc = cfg.tied() ? null : addParam("W_enc", d, s);
        bEnc = addParam("b_enc", s);
        wDec = addParam("W_dec", s, d);
        bDec = addParam("b_dec", d);
    }

    public static StandardSae init(SaeConfig cfg, Rng rng) {
        StandardSae sae = new StandardSae(cfg);
        sae.initDecoderAndEncoder(rng, 1f);
        return sae;
    }

    /** An untied copy (W_enc = W_decᵀ explicitly) with the same function; the untied SAE itself when not tied. */
    public StandardSae untie() {
        if (wEnc != null) return this;
        StandardSae u = new StandardSae(new SaeConfig("standard", cfg.dIn(), cfg.dSae(), 0, false, cfg.meta()));
        System.arraycopy(encoderMatrix(), 0, u.wEnc, 0, u.wEnc.length);
        System.arraycopy(bEnc, 0, u.bEnc, 0, bEnc.length);
        System.arraycopy(wDec, 0, u.wDec, 0, wDec.length);
        System.arraycopy(bDec, 0, u.bDec, 0, bDec.length);
        return u;
    }

    /** Encoder matrix as SAELens stores it, [d_in, d_sae] (a transposed copy of W_dec when tied). */
    public float[] encoderMatrix() {
        if (wEnc != null) return wEnc;
        int d = cfg.dIn(), s = cfg.dSae();
        float[] we = new float[d * s];
        for (int i = 0; i < s; i++) for (int j = 0; j < d; j++) we[j * s + i] = wDec[i * d + j];
        return we;
    }

    /** f [n, d_sae] = ReLU(xc·W_enc + b_enc): one GEMM, then bias and ReLU in one parallel pass. */
    @Override protected float[] encode(float[] x, int n) {
        int d = cfg.dIn(), s = cfg.dSae();
        float[] xc = SaeOps.center(x, n, d, bDec), f = new float[n * s];
        if (wEnc != null) SaeOps.mm(false, false, n, s, d, xc, wEnc, 0f, f);
        else SaeOps.mm(false, true, n, s, d, xc, wDec, 0f, f);
        SaeOps.addRowsRelu(f, n, s, bEnc);
        return f;
    }

    /**
     * Forward and backward in five GEMMs (encoder, decoder, W_dec gradient, dx̂·W_decᵀ, W_enc gradient) plus
     * two fused parallel passes over the [n, d_sae] codes: after the encoder GEMM (bias, ReLU, per-feature
     * Σ_b f and L0 counts) and after dx̂·W_decᵀ (ReLU mask, L1 term, Σ_b for b_enc). The [n, d_sae] and
     * [n, d_in] arrays are workspace slots reused across steps.
     */
    @Override
    public StepResult step(float[] x, int n, StepCoefficients c, boolean[] dead, float[][] grads, boolean[] fired) {
        int d = cfg.dIn(), s = cfg.dSae(), blocks = SaeOps.rowBlocks(n);
        float lambda = (float) c.sparsity();
        float[] xc = SaeOps.centerInto(x, n, d, bDec, work(2, n * d));   // [n, d]
        float[] f = work(0, n * s);                                       // pre-activations, then f = ReLU(pre)
        if (wEnc != null) SaeOps.mm(false, false, n, s, d, xc, wEnc, 0f, f);
        else SaeOps.mm(false, true, n, s, d, xc, wDec, 0f, f);
        float[] norms = SaeOps.rowNorms(wDec, s, d);
        float[] part = work(3, blocks * s);                               // per-block column partials [blocks, s]
        long[] activePart = new long[blocks];
        SaeOps.forRowBlocks(n, s, (blk, r0, r1) -> {                         // bias, ReLU, Σ_b f, L0
            int po = blk * s;
            java.util.Arrays.fill(part, po, po + s, 0f);
            long active = 0;
            for (int b = r0; b < r1; b++) {
                int o = b * s;
                for (int i = 0; i < s; i++) {
                    float v = Math.max(f[o + i] + bEnc[i], 0f);
                    f[o + i] = v;
                    part[po + i] += v;
                }
                for (int i = 0; i < s; i++) if (f[o + i] > 0) active++;
            }
            activePart[blk] = active;
        });
        double[] fSum = new double[s];
        SaeOps.sumBlocks(part, blocks, s, fSum);
        long active = 0;
        for (long a : activePart) active += a;
        double l1 = 0;                                                    // Σ_b Σ_i f_bi ‖w_i‖ = Σ_i ‖w_i‖ Σ_b f_bi
        for (int i = 0; i < s; i++) {
            l1 += fSum[i] * norms[i];
            if (fSum[i] > 0) fired[i] = true;
        }
        float[] e = work(4, n * d);                                       // x̂, then x̂ − x, then dx̂ = 2/n (x̂ − x)
        SaeOps.mm(false, false, n, d, s, f, wDec, 0f, e);
        double sumSq = SaeOps.residualAndGrad(e, bDec, x, n, d, e);
        double mse = sumSq / n, sparsity = lambda * l1 / n;

        float[] gWdec = grad(grads, "W_dec"), gbDec = grad(grads, "b_dec"), gbEnc = grad(grads, "b_enc");
        SaeOps.mm(true, false, s, d, n, f, e, 0f, gWdec);                 // fᵀ·dx̂
        SaeOps.forRows(s, d, i -> {                                             // ∂(λ/n Σ f‖w‖)/∂w = λ/n Σ_b f · w/‖w‖
            if (fSum[i] == 0 || norms[i] == 0) return;
            float g = (float) (lambda * fSum[i] / n / norms[i]);
            for (int j = 0; j < d; j++) gWdec[i * d + j] += g * wDec[i * d + j];
        });
        SaeOps.colSums(e, n, d, gbDec);
        float[] dpre = work(1, n * s);
        SaeOps.mm(false, true, n, s, d, e, wDec, 0f, dpre);               // df = dx̂·W_decᵀ
        float[] l1Grad = new float[s];
        for (int i = 0; i < s; i++) l1Grad[i] = lambda * norms[i] / n;
        SaeOps.forRowBlocks(n, s, (blk, r0, r1) -> {                         // ReLU mask, L1 term, Σ_b for b_enc
            int po = blk * s;
            java.util.Arrays.fill(part, po, po + s, 0f);
            for (int b = r0; b < r1; b++) {
                int o = b * s;
                for (int i = 0; i < s; i++) {   // signum(f) is the 0/1 ReLU mask (f >= 0); branch-free, so it vectorizes
                    float g = (dpre[o + i] + l1Grad[i]) * Math.signum(f[o + i]);
                    dpre[o + i] = g;
                    part[po + i] += g;
                }
            }
        });
        double[] bEncAcc = fSum;                                          // fSum is no longer needed
        SaeOps.sumBlocks(part, blocks, s, bEncAcc);
        for (int i = 0; i < s; i++) gbEnc[i] = (float) bEncAcc[i];
        float[] viaInput = new float[d];                                  // Σ_b ∂L/∂xc = W_enc·Σ_b dpre
        if (wEnc != null) {
            SaeOps.mm(true, false, d, s, n, xc, dpre, 0f, grad(grads, "W_enc"));
            SaeOps.matVec(wEnc, d, s, gbEnc, viaInput);
        } else {
            SaeOps.mm(true, false, s, d, n, dpre, xc, 1f, gWdec);        // encoder use of W_dec: dpreᵀ·xc
            for (int i = 0; i < s; i++) {
                float g = gbEnc[i];
                if (g != 0f) for (int j = 0; j < d; j++) viaInput[j] += g * wDec[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) gbDec[j] -= viaInput[j];
        return new StepResult(mse + sparsity, mse, sparsity, 0, sumSq, (double) active / n);
    }

    @Override public void foldInputScale(float scale) {
        if (wEnc == null) throw new IllegalStateException("a tied SAE cannot fold an input scale; untie it first (SaeLensFormat saves it untied)");
        super.foldInputScale(scale);
    }
}
