package dev.loupe.sae;

import dev.loupe.util.Rng;

/**
 * SAELens architecture {@code gated} (Rajamanoharan et al. 2024, "Improving Dictionary Learning with
 * Gated Sparse Autoencoders"). With xc = x − b_dec and G = xc·W_enc:
 * π_gate = G + b_gate, π_mag = G ⊙ exp(r_mag) + b_mag, f = 1{π_gate > 0} ⊙ ReLU(π_mag),
 * x̂ = f·W_dec + b_dec.
 *
 * <p>Loss: Σ_d (x̂ − x)² (batch mean) + λ·mean_b Σ_i ReLU(π_gate)_bi ‖W_dec,i‖ + Σ_d (x̂_aux − x)²
 * (batch mean) with x̂_aux = ReLU(π_gate)·W_dec + b_dec. As SAELens {@code GatedTrainingSAE} does, the
 * auxiliary term also trains W_dec and b_dec (the paper freezes them there with a stop-gradient). The
 * gate's Heaviside passes no gradient (f depends on π_gate only through the mask).
 */
public final class GatedSae extends Sae {
    private final float[] wEnc, bGate, rMag, bMag, wDec, bDec;

    public GatedSae(SaeConfig cfg) {
        super(cfg);
        int d = cfg.dIn(), s = cfg.dSae();
        wEnc = addParam("W_enc", d, s);
        bGate = addParam("b_gate", s);
        rMag = addParam("r_mag", s);
        bMag = addParam("b_mag", s);
        wDec = addParam("W_dec", s, d);
        bDec = addParam("b_dec", d);
    }

    public static GatedSae init(SaeConfig cfg, Rng rng) {
        GatedSae sae = new GatedSae(cfg);
        sae.initDecoderAndEncoder(rng, 1f);
        return sae;
    }

    private float[] gPre(float[] xc, int n) {
        float[] g = new float[n * cfg.dSae()];
        SaeOps.mm(false, false, n, cfg.dSae(), cfg.dIn(), xc, wEnc, 0f, g);
        return g;
    }

    @Override protected float[] encode(float[] x, int n) {
        int s = cfg.dSae();
        float[] g = gPre(SaeOps.center(x, n, cfg.dIn(), bDec), n);
        float[] f = new float[n * s];
        for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) {
            int o = b * s + i;
            float mag = g[o] * (float) Math.exp(rMag[i]) + bMag[i];
            f[o] = g[o] + bGate[i] > 0 && mag > 0 ? mag : 0f;
        }
        return f;
    }

    @Override
    public StepResult step(float[] x, int n, StepCoefficients c, boolean[] dead, float[][] grads, boolean[] fired) {
        int d = cfg.dIn(), s = cfg.dSae();
        float lambda = (float) c.sparsity();
        float[] xc = SaeOps.center(x, n, d, bDec);
        float[] g = gPre(xc, n);                                           // [n, s]
        float[] er = new float[s];
        for (int i = 0; i < s; i++) er[i] = (float) Math.exp(rMag[i]);
        float[] f = new float[n * s], rho = new float[n * s];              // f and ReLU(π_gate)
        long active = 0;
        for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) {
            int o = b * s + i;
            float pg = g[o] + bGate[i], pm = g[o] * er[i] + bMag[i];
            rho[o] = pg > 0 ? pg : 0f;
            if (pg > 0 && pm > 0) { f[o] = pm; active++; fired[i] = true; }
        }
        float[] norms = SaeOps.rowNorms(wDec, s, d);
        float[] e = new float[n * d], ea = new float[n * d];
        SaeOps.mm(false, false, n, d, s, f, wDec, 0f, e);
        SaeOps.addRows(e, n, d, bDec);
        double sumSq = SaeOps.residualInPlace(e, x);
        SaeOps.mm(false, false, n, d, s, rho, wDec, 0f, ea);
        SaeOps.addRows(ea, n, d, bDec);
        double auxSq = SaeOps.residualInPlace(ea, x);
        double[] rhoSum = new double[s];
        double l1 = 0;
        for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) {
            float v = rho[b * s + i];
            if (v != 0f) { rhoSum[i] += v; l1 += (double) v * norms[i]; }
        }
        double mse = sumSq / n, sparsity = lambda * l1 / n, aux = auxSq / n;

        float[] gWdec = grad(grads, "W_dec"), gbDec = grad(grads, "b_dec");
        SaeOps.scale(e, 2f / n);
        SaeOps.scale(ea, 2f / n);
        SaeOps.mm(true, false, s, d, n, f, e, 0f, gWdec);                  // main path fᵀ·dx̂
        SaeOps.mm(true, false, s, d, n, rho, ea, 1f, gWdec);               // aux path ρᵀ·dx̂_aux
        for (int i = 0; i < s; i++) {
            if (rhoSum[i] == 0 || norms[i] == 0) continue;
            float gg = (float) (lambda * rhoSum[i] / n / norms[i]);
            for (int j = 0; j < d; j++) gWdec[i * d + j] += gg * wDec[i * d + j];
        }
        SaeOps.colSums(e, n, d, gbDec);
        float[] gbDecAux = new float[d];
        SaeOps.colSums(ea, n, d, gbDecAux);
        for (int j = 0; j < d; j++) gbDec[j] += gbDecAux[j];
        float[] df = new float[n * s], drho = new float[n * s];
        SaeOps.mm(false, true, n, s, d, e, wDec, 0f, df);
        SaeOps.mm(false, true, n, s, d, ea, wDec, 0f, drho);
        float[] gbGate = grad(grads, "b_gate"), gbMag = grad(grads, "b_mag"), grMag = grad(grads, "r_mag");
        double[] agGate = new double[s], agMag = new double[s], agR = new double[s];
        float[] dG = df;                                                   // reused as ∂L/∂G
        for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) {
            int o = b * s + i;
            float dpm = f[o] > 0 ? df[o] : 0f;
            float dpg = rho[o] > 0 ? drho[o] + lambda * norms[i] / n : 0f;
            agGate[i] += dpg;
            agMag[i] += dpm;
            agR[i] += (double) dpm * g[o] * er[i];
            dG[o] = dpg + dpm * er[i];
        }
        for (int i = 0; i < s; i++) { gbGate[i] = (float) agGate[i]; gbMag[i] = (float) agMag[i]; grMag[i] = (float) agR[i]; }
        SaeOps.mm(true, false, d, s, n, xc, dG, 0f, grad(grads, "W_enc"));
        float[] sumDG = new float[s], viaInput = new float[d];
        SaeOps.colSums(dG, n, s, sumDG);
        SaeOps.matVec(wEnc, d, s, sumDG, viaInput);
        for (int j = 0; j < d; j++) gbDec[j] -= viaInput[j];
        return new StepResult(mse + sparsity + aux, mse, sparsity, aux, sumSq, (double) active / n);
    }
}
