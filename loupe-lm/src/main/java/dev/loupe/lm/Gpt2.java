package dev.loupe.lm;

import dev.loupe.util.Rng;

import dev.loupe.lm.ParamLayout.P;
import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A GPT-2 model being trained: flat parameter and gradient arrays ({@link ParamLayout}), the
 * activations of the last forward pass, and the llm.c-style forward / backward over a batch
 * [B, T] of token ids. Matmuls are big GEMMs over all B·T rows through {@link Kernels#gemm()};
 * attention is parallel over (batch, head).
 *
 * <p>Semantics are HF {@code GPT2LMHeadModel} at inference (no dropout), checked against the
 * gpt2-tiny golden fixture. Not the interpretability engine: no hooks, no KV cache.
 */
public final class Gpt2 {
    private final Gpt2Config cfg;
    private final ParamLayout layout;
    private final float[] params, grads;
    private Acts acts, dacts;
    private ChunkedClassifier classifier;
    private float[] logits = new float[0];   // [N, V] of a forward without targets
    private int[] inputs, targets;
    private int bsz, seq, targetCount;

    public Gpt2(Gpt2Config cfg) {
        this.cfg = cfg;
        this.layout = new ParamLayout(cfg);
        this.params = new float[layout.total()];
        this.grads = new float[layout.total()];
    }

    public Gpt2Config config() { return cfg; }
    public ParamLayout layout() { return layout; }
    /** The live parameter array (the optimizer updates it in place). */
    public float[] params() { return params; }
    /** Gradients of the last {@link #backward()}. */
    public float[] grads() { return grads; }

    /**
     * GPT-2 initialisation: weights N(0, 0.02), the two projections that write into the residual
     * stream scaled by 1/√(2·layers) (GPT-2 paper §2.3), LayerNorm weights 1, biases 0.
     */
    public void initialize(Rng rng) {
        Arrays.fill(params, 0f);
        float resid = (float) (0.02 / Math.sqrt(2.0 * cfg.layers()));
        for (ParamLayout.Slice s : layout.slices()) {
            switch (s.p()) {
                case LN1W, LN2W, LNFW -> Arrays.fill(params, s.offset(), s.offset() + s.size(), 1f);
                case WTE, WPE, QKVW, FCW -> gaussian(rng, s, 0.02f);
                case ATTPROJW, FCPROJW -> gaussian(rng, s, resid);
                default -> { }
            }
        }
    }

    private void gaussian(Rng rng, ParamLayout.Slice s, float std) {
        for (int i = 0; i < s.size(); i++) params[s.offset() + i] = (float) (rng.nextGaussian() * std);
    }

    /**
     * Forward over inputs [B·T] (B sequences of T tokens, positions 0..T−1 each). With targets
     * (same length, −1 = no target) returns the mean next-token loss over the rows with a target,
     * else NaN.
     */
    public double forward(int[] inputs, int[] targets, int b, int t) {
        return forward(inputs, targets, b, t, true);
    }

    /** The mean loss of {@link #forward} without preparing a {@link #backward()} (held-out evaluation: skips the unembedding's gradient GEMMs). */
    public double loss(int[] inputs, int[] targets, int b, int t) {
        double loss = forward(inputs, Objects.requireNonNull(targets, "targets"), b, t, false);
        targetCount = 0;
        return loss;
    }

    private double forward(int[] inputs, int[] targets, int b, int t, boolean gradient) {
        if (t > cfg.context()) throw new IllegalArgumentException("sequence length " + t + " exceeds the context " + cfg.context());
        if (inputs.length != b * t || (targets != null && targets.length != b * t))
            throw new IllegalArgumentException("expected " + b + "×" + t + " token ids");
        for (int tok : inputs) {
            if (tok < 0 || tok >= cfg.vocabSize()) throw new IllegalArgumentException("token id " + tok + " outside the vocabulary [0, " + cfg.vocabSize() + ")");
        }
        if (acts == null || bsz != b || seq != t) {
            acts = new Acts(cfg, b, t, false);
            dacts = null;
            bsz = b;
            seq = t;
        }
        this.inputs = inputs;
        this.targets = targets;
        int n = b * t, d = cfg.dModel(), f = cfg.dMlp(), v = cfg.vocabSize(), h = cfg.heads();
        float eps = cfg.layerNormEps();
        Acts a = acts;
        Layers.encoderForward(a.encoded, inputs, params, layout.offset(P.WTE), layout.offset(P.WPE), n, t, d);
        for (int l = 0; l < cfg.layers(); l++) {
            float[] residual = l == 0 ? a.encoded : a.res3[l - 1];
            Layers.layernormForward(a.ln1[l], a.ln1Mean[l], a.ln1Rstd[l], residual, params, layout.offset(P.LN1W, l), layout.offset(P.LN1B, l), n, d, eps);
            Layers.matmulForward(a.qkv[l], a.ln1[l], params, layout.offset(P.QKVW, l), layout.offset(P.QKVB, l), n, d, 3 * d);
            Layers.attentionForward(a.atty[l], a.att[l], a.qkv[l], b, t, d, h);
            Layers.matmulForward(a.attproj[l], a.atty[l], params, layout.offset(P.ATTPROJW, l), layout.offset(P.ATTPROJB, l), n, d, d);
            Layers.residualForward(a.res2[l], residual, a.attproj[l], n * d);
            Layers.layernormForward(a.ln2[l], a.ln2Mean[l], a.ln2Rstd[l], a.res2[l], params, layout.offset(P.LN2W, l), layout.offset(P.LN2B, l), n, d, eps);
            Layers.matmulForward(a.fch[l], a.ln2[l], params, layout.offset(P.FCW, l), layout.offset(P.FCB, l), n, d, f);
            Layers.activationForward(cfg.act(), a.fchAct[l], a.fch[l], n * f);
            Layers.matmulForward(a.fcproj[l], a.fchAct[l], params, layout.offset(P.FCPROJW, l), layout.offset(P.FCPROJB, l), n, f, d);
            Layers.residualForward(a.res3[l], a.res2[l], a.fcproj[l], n * d);
        }
        Layers.layernormForward(a.lnf, a.lnfMean, a.lnfRstd, a.res3[cfg.layers() - 1], params, layout.offset(P.LNFW), layout.offset(P.LNFB), n, d, eps);
        if (targets == null) {
            // logits[N, V] = lnf[N, D] · wteᵀ (tied unembedding)
            if (logits.length != n * v) logits = new float[Math.multiplyExact(n, v)];
            Kernels.gemm().sgemm(false, true, n, v, d, 1f, a.lnf, 0, d, params, layout.offset(P.WTE), d, 0f, logits, 0, v);
            targetCount = 0;
            return Double.NaN;
        }
        // the unembedding and the loss with their backward, by row chunks: dlnf and the dwte accumulators are kept
        // for backward() (the loss is the last op); the [N, V] logits are never stored
        if (classifier == null) classifier = new ChunkedClassifier(ChunkedClassifier.CHUNK, d, v);
        int count = classifier.forwardBackward(a.lnf, params, layout.offset(P.WTE), targets, n, a.losses, gradient ? a.dlnf : null);
        targetCount = count;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += a.losses[i];
        return count == 0 ? Double.NaN : sum / count;
    }

    /** Gradients of the last forward's mean loss with respect to every parameter, into {@link #grads()}. */
    public void backward() {
        if (acts == null || targets == null || targetCount == 0)
            throw new IllegalStateException("backward needs a forward pass with targets first");
        if (dacts == null) dacts = new Acts(cfg, bsz, seq, true);
        Ops.forRange(grads.length, (from, to) -> Arrays.fill(grads, from, to, 0f));
        dacts.zero();
        int b = bsz, t = seq, n = b * t, d = cfg.dModel(), f = cfg.dMlp(), h = cfg.heads();
        Acts a = acts, g = dacts;
        int wte = layout.offset(P.WTE);
        classifier.addWeightGradient(grads, wte);   // dwte and dlnf were computed with the loss in forward
        targetCount = 0;             // one backward per forward, as in training
        int last = cfg.layers() - 1;
        Layers.layernormBackward(g.res3[last], grads, layout.offset(P.LNFW), layout.offset(P.LNFB), a.dlnf, a.res3[last], params, a.lnfMean, a.lnfRstd, n, d);
        for (int l = last; l >= 0; l--) {
            float[] residual = l == 0 ? a.encoded : a.res3[l - 1];
            float[] dresidual = l == 0 ? g.encoded : g.res3[l - 1];
            Layers.residualBackward(g.res2[l], g.fcproj[l], g.res3[l], n * d);
            Layers.matmulBackward(g.fchAct[l], grads, layout.offset(P.FCPROJW, l), layout.offset(P.FCPROJB, l), g.fcproj[l], a.fchAct[l], params, n, f, d);
            Layers.activationBackward(cfg.act(), g.fch[l], a.fch[l], g.fchAct[l], n * f);
            Layers.matmulBackward(g.ln2[l], grads, layout.offset(P.FCW, l), layout.offset(P.FCB, l), g.fch[l], a.ln2[l], params, n, d, f);
            Layers.layernormBackward(g.res2[l], grads, layout.offset(P.LN2W, l), layout.offset(P.LN2B, l), g.ln2[l], a.res2[l], params, a.ln2Mean[l], a.ln2Rstd[l], n, d);
            Layers.residualBackward(dresidual, g.attproj[l], g.res2[l], n * d);
            Layers.matmulBackward(g.atty[l], grads, layout.offset(P.ATTPROJW, l), layout.offset(P.ATTPROJB, l), g.attproj[l], a.atty[l], params, n, d, d);
            Layers.attentionBackward(g.qkv[l], g.att[l], g.atty[l], a.qkv[l], a.att[l], b, t, d, h);
            Layers.matmulBackward(g.ln1[l], grads, layout.offset(P.QKVW, l), layout.offset(P.QKVB, l), g.qkv[l], a.ln1[l], params, n, d, 3 * d);
            Layers.layernormBackward(dresidual, grads, layout.offset(P.LN1W, l), layout.offset(P.LN1B, l), g.ln1[l], residual, params, a.ln1Mean[l], a.ln1Rstd[l], n, d);
        }
        Layers.encoderBackward(grads, wte, layout.offset(P.WPE), g.encoded, inputs, n, t, d);
    }

    /** Logits [S, V] of one sequence (positions 0..S−1): what the engine's forward must reproduce. */
    public Tensor logits(int[] tokens) {
        forward(tokens, null, 1, tokens.length);
        return new Tensor(Arrays.copyOf(logits, tokens.length * cfg.vocabSize()), tokens.length, cfg.vocabSize());
    }

    /** Activations of one forward pass (llm.c ActivationTensors); per-layer arrays are [layer][N·width]. */
    private static final class Acts {
        final float[] encoded, lnf, lnfMean, lnfRstd, losses, dlnf;   // gradient set: no stats, losses or dlnf
        private final java.util.List<float[]> accumulated;
        final float[][] ln1, ln1Mean, ln1Rstd, qkv, atty, att, attproj, res2, ln2, ln2Mean, ln2Rstd, fch, fchAct, fcproj, res3;

        Acts(Gpt2Config c, int b, int t, boolean gradient) {
            int n = b * t, d = c.dModel(), f = c.dMlp(), v = c.vocabSize(), layers = c.layers();
            int stat = gradient ? 0 : n;   // gradients need no statistics, pattern or probabilities
            encoded = new float[n * d];
            ln1 = new float[layers][n * d];
            ln1Mean = new float[layers][stat];
            ln1Rstd = new float[layers][stat];
            qkv = new float[layers][n * 3 * d];
            atty = new float[layers][n * d];
            att = new float[layers][b * c.heads() * t * t];   // pattern, or d(pattern) scratch for gradients
            attproj = new float[layers][n * d];
            res2 = new float[layers][n * d];
            ln2 = new float[layers][n * d];
            ln2Mean = new float[layers][stat];
            ln2Rstd = new float[layers][stat];
            fch = new float[layers][n * f];
            fchAct = new float[layers][n * f];
            fcproj = new float[layers][n * d];
            res3 = new float[layers][n * d];
            lnf = new float[n * d];
            lnfMean = new float[stat];
            lnfRstd = new float[stat];
            losses = new float[stat];
            dlnf = new float[gradient ? 0 : n * d];
            var acc = new java.util.ArrayList<float[]>(java.util.List.of(encoded));
            for (float[][] xs : new float[][][]{ln1, qkv, atty, attproj, res2, ln2, fch, fchAct, fcproj, res3}) acc.addAll(java.util.List.of(xs));
            accumulated = java.util.List.copyOf(acc);
        }

        /** Zeroes the gradients that backward accumulates into (the gradient of lnf is the forward's dlnf), arrays in parallel. */
        void zero() {
            Ops.forRows(accumulated.size(), i -> Arrays.fill(accumulated.get(i), 0f));
        }
    }
}
