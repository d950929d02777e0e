package dev.loupe.sae;

import dev.loupe.util.Rng;

/**
 * SAELens architecture {@code topk} (Gao et al. 2024, "Scaling and evaluating sparse autoencoders"):
 * pre = (x − b_dec)·W_enc + b_enc, f = ReLU(TopK_k(pre)), x̂ = f·W_dec + b_dec.
 *
 * <p>Loss: Σ_d (x̂ − x)² averaged over the batch, plus AuxK: with D features currently dead, the top
 * k_aux = d_in/2 dead pre-activations per row reconstruct the detached residual x − x̂ (no bias), weighted
 * by aux · min(D / k_aux, 1), as SAELens {@code TopKTrainingSAE}. Decoding and all backward work are
 * sparse (only the k active rows of W_dec), which is what makes a topk step cheaper than a standard one;
 * only the encoder's forward GEMM is dense.
 */
public class TopKSae extends Sae {
    protected final float[] wEnc;   // [d_in, d_sae]
    protected final float[] bEnc;   // [d_sae]
    protected final float[] wDec;   // [d_sae, d_in]
    protected final float[] bDec;   // [d_in]

    public TopKSae(SaeConfig cfg) {
        super(cfg);
        int d = cfg.dIn(), s = cfg.dSae();
        wEnc = addParam("W_enc", d, s);
        bEnc = addParam("b_enc", s);
        wDec = addParam("W_dec", s, d);
        bDec = addParam("b_dec", d);
    }

    public static TopKSae init(SaeConfig cfg, Rng rng) {
        TopKSae sae = cfg.architecture().equals("batchtopk") ? new BatchTopKSae(cfg) : new TopKSae(cfg);
        sae.initDecoderAndEncoder(rng, 1f);
        return sae;
    }

    protected final float[] preActs(float[] xc, int n) {
        return preActs(xc, n, new float[n * cfg.dSae()]);
    }

    /** pre [n, d_sae] = xc·W_enc + b_enc into {@code pre}; returns it. */
    private float[] preActs(float[] xc, int n, float[] pre) {
        int d = cfg.dIn(), s = cfg.dSae();
        SaeOps.mm(false, false, n, s, d, xc, wEnc, 0f, pre);
        SaeOps.addRows(pre, n, s, bEnc);
        return pre;
    }

    /** The training-time selection: k largest per row, ReLU'd (zeros dropped). */
    protected SparseCodes select(float[] pre, int n) {
        return SparseCodes.topKRows(pre, n, cfg.dSae(), cfg.k(), null);
    }

    /** Hook for state learned from training selections (batchtopk's threshold); none for topk. */
    protected void observeTrainingSelection(SparseCodes f) {}

    @Override protected float[] encode(float[] x, int n) {
        return select(preActs(SaeOps.center(x, n, cfg.dIn(), bDec), n), n).toDense(cfg.dSae());
    }

    /** Sparse encode for callers that want the active entries only. */
    public SparseCodes encodeSparse(float[] x, int n) {
        return select(preActs(SaeOps.center(x, n, cfg.dIn(), bDec), n), n);
    }

    @Override
    public StepResult step(float[] x, int n, StepCoefficients c, boolean[] dead, float[][] grads, boolean[] fired) {
        int d = cfg.dIn(), s = cfg.dSae();
        float[] xc = SaeOps.centerInto(x, n, d, bDec, work(2, n * d));
        float[] pre = preActs(xc, n, work(0, n * s));                     // [n, s]: the one dense GEMM
        SparseCodes f = select(pre, n);
        observeTrainingSelection(f);
        for (int p = 0; p < f.nnz(); p++) fired[f.idx[p]] = true;
        float[] e = work(4, n * d);                                        // x̂, then x̂ − x
        java.util.Arrays.fill(e, 0f);
        f.decodeInto(wDec, d, e);
        float[] dxhat = work(5, n * d);
        double sumSq = SaeOps.residualAndGrad(e, bDec, x, n, d, dxhat);
        double mse = sumSq / n;

        float[] gWdec = grad(grads, "W_dec"), gbDec = grad(grads, "b_dec"), gbEnc = grad(grads, "b_enc");
        SaeOps.forRange(gWdec.length, 1, (a, b) -> java.util.Arrays.fill(gWdec, a, b, 0f));
        java.util.Arrays.fill(gbEnc, 0f);
        float[] gWencT = work(3, s * d);                                   // [s, d]: rows of active features only
        SaeOps.forRange(gWencT.length, 1, (a, b) -> java.util.Arrays.fill(gWencT, a, b, 0f));
        SaeOps.colSums(dxhat, n, d, gbDec);
        float[] dval = f.decodeBackward(wDec, d, dxhat, gWdec);            // val > 0 always, so dpre = dval
        f.encoderBackward(dval, xc, d, gbEnc, gWencT);

        double aux = auxK(pre, e, xc, n, c.aux(), dead, gWdec, gbEnc, gWencT);

        SparseCodes.transpose(gWencT, s, d, grad(grads, "W_enc"));
        float[] viaInput = new float[d];
        SaeOps.matVec(wEnc, d, s, gbEnc, viaInput);
        for (int j = 0; j < d; j++) gbDec[j] -= viaInput[j];
        return new StepResult(mse + aux, mse, 0, aux, sumSq, (double) f.nnz() / n);
    }

    /**
     * AuxK loss and its gradients (added into the given accumulators). {@code e} is x̂ − x, so the detached
     * residual target is −e and the aux error is recon + e.
     */
    private double auxK(float[] pre, float[] e, float[] xc, int n, double coef, boolean[] dead,
                        float[] gWdec, float[] gbEnc, float[] gWencT) {
        if (dead == null || coef == 0) return 0;
        int d = cfg.dIn(), s = cfg.dSae();
        int numDead = 0;
        for (boolean b : dead) if (b) numDead++;
        if (numDead == 0) return 0;
        int kAux = Math.max(1, d / 2);
        double scale = coef * Math.min((double) numDead / kAux, 1.0);
        int kk = Math.min(kAux, numDead);
        SparseCodes a = SparseCodes.topKRows(pre, n, s, kk, dead);
        float[] r = e.clone();                                             // recon − (x − x̂) = recon + e
        a.decodeInto(wDec, d, r);
        double ss = 0;
        for (float v : r) ss += (double) v * v;
        SaeOps.scale(r, (float) (2 * scale / n));
        float[] dval = a.decodeBackward(wDec, d, r, gWdec);
        a.encoderBackward(dval, xc, d, gbEnc, gWencT);
        return scale * ss / n;
    }
}
