package dev.loupe.lm;

import dev.loupe.lm.ParamLayout.P;
import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.Ops;

import java.util.Arrays;

/**
 * The forward and backward of one shard of a batch: a contiguous group of whole sequences, with its
 * own activations, activation gradients and {@link ChunkedClassifier} (llm.c's ActivationTensors for
 * those rows), reading the model's one parameter array. {@link Gpt2} runs its shards side by side,
 * one per thread, and adds their gradients; a shard alone is the whole llm.c-style step over its rows
 * (with the residual stream's gradient as one array updated in place, see {@link #backward}).
 *
 * <p>Not a model: no parameters of its own and no reduction across shards. Must agree with the
 * whole-batch step of HF {@code GPT2LMHeadModel} semantics (tests {@code Gpt2Test},
 * {@code DataParallelTest}).
 */
final class Gpt2Shard {
    private final Gpt2Config cfg;
    private final ParamLayout layout;
    final int row0, bsz, seq;          // first row in the batch, sequences, positions per sequence
    final int[] inputs, targets;       // [bsz·seq], copied from the batch
    private final Acts acts;
    private ActGrads dacts;
    private final ChunkedClassifier classifier;

    Gpt2Shard(Gpt2Config cfg, ParamLayout layout, int firstSequence, int bsz, int seq) {
        this.cfg = cfg;
        this.layout = layout;
        this.row0 = firstSequence * seq;
        this.bsz = bsz;
        this.seq = seq;
        this.inputs = new int[bsz * seq];
        this.targets = new int[bsz * seq];
        this.acts = new Acts(cfg, bsz, seq);
        this.classifier = new ChunkedClassifier(ChunkedClassifier.CHUNK, cfg.dModel(), cfg.vocabSize());
    }

    int rows() { return bsz * seq; }

    /** Per-row losses of the last {@link #forward} with targets (0 where no target). */
    float[] losses() { return acts.losses; }

    /**
     * Forward over {@link #inputs}. With {@code withTargets}: the losses of {@link #targets}; with
     * {@code dloss} &gt; 0 also the gradient of Σ losses · dloss at lnf and the shard's dwte (for
     * {@link #backward}). Without targets: logits[row0.., V] of these rows into {@code logits}.
     */
    void forward(float[] params, boolean withTargets, float dloss, float[] logits) {
        int n = rows(), t = seq, d = cfg.dModel(), f = cfg.dMlp(), v = cfg.vocabSize(), h = cfg.heads();
        float eps = cfg.layerNormEps();
        Acts a = acts;
        Layers.encoderForward(a.encoded, inputs, params, layout.offset(P.WTE), layout.offset(P.WPE), n, t, d);
        for (int l = 0; l < cfg.layers(); l++) {
            float[] residual = l == 0 ? a.encoded : a.res3[l - 1];
            Layers.layernormForward(a.ln1[l], a.ln1Mean[l], a.ln1Rstd[l], residual, params, layout.offset(P.LN1W, l), layout.offset(P.LN1B, l), n, d, eps);
            Layers.matmulForward(a.qkv[l], a.ln1[l], params, layout.offset(P.QKVW, l), layout.offset(P.QKVB, l), n, d, 3 * d);
            Layers.attentionForward(a.atty[l], a.att[l], a.qkv[l], bsz, t, d, h);
            Layers.matmulForward(a.attproj[l], a.atty[l], params, layout.offset(P.ATTPROJW, l), layout.offset(P.ATTPROJB, l), n, d, d);
            Layers.residualForward(a.res2[l], residual, a.attproj[l], n * d);
            Layers.layernormForward(a.ln2[l], a.ln2Mean[l], a.ln2Rstd[l], a.res2[l], params, layout.offset(P.LN2W, l), layout.offset(P.LN2B, l), n, d, eps);
            Layers.matmulForward(a.fch[l], a.ln2[l], params, layout.offset(P.FCW, l), layout.offset(P.FCB, l), n, d, f);
            Layers.activationForward(cfg.act(), a.fchAct[l], a.fch[l], n * f);
            Layers.matmulForward(a.fcproj[l], a.fchAct[l], params, layout.offset(P.FCPROJW, l), layout.offset(P.FCPROJB, l), n, f, d);
            Layers.residualForward(a.res3[l], a.res2[l], a.fcproj[l], n * d);
        }
        Layers.layernormForward(a.lnf, a.lnfMean, a.lnfRstd, a.res3[cfg.layers() - 1], params, layout.offset(P.LNFW), layout.offset(P.LNFB), n, d, eps);
        if (!withTargets) {
            // logits[rows, V] = lnf[rows, D] · wteᵀ (tied unembedding)
            Kernels.gemm().sgemm(false, true, n, v, d, 1f, a.lnf, 0, d, params, layout.offset(P.WTE), d, 0f, logits, row0 * v, v);
            return;
        }
        // the unembedding and the loss with their backward, by row chunks: dlnf and the dwte accumulators are kept
        // for backward() (the loss is the last op); the [rows, V] logits are never stored
        classifier.forwardBackward(a.lnf, params, layout.offset(P.WTE), targets, n, dloss, a.losses, dloss > 0 ? a.dlnf : null);
    }

    /** Gradients of Σ losses · dloss of the last {@link #forward} with respect to every parameter, into {@code grads} (overwritten). */
    void backward(float[] params, float[] grads) {
        if (dacts == null) dacts = new ActGrads(cfg, bsz, seq);
        int b = bsz, t = seq, n = rows(), d = cfg.dModel(), f = cfg.dMlp(), h = cfg.heads();
        int wte = layout.offset(P.WTE), wteEnd = wte + layout.perLayer(P.WTE);
        classifier.writeWeightGradient(grads, wte);   // dwte (and dlnf) were computed with the loss in forward
        // zero the rest, into which backward accumulates (wte is the layout's first tensor: nothing before it)
        Arrays.fill(grads, 0, wte, 0f);
        Ops.forRange(grads.length - wteEnd, (from, to) -> Arrays.fill(grads, wteEnd + from, wteEnd + to, 0f));
        dacts.zero();
        Acts a = acts;
        ActGrads g = dacts;
        // dres: the gradient of the residual stream, one array updated in place from the top down. A residual
        // add passes its output gradient unchanged to both inputs, so each branch's output gradient is dres
        // itself and the stream's gradient only gains the LayerNorms' terms on the way down.
        float[] dres = g.residual;
        int last = cfg.layers() - 1;
        Layers.layernormBackward(dres, grads, layout.offset(P.LNFW), layout.offset(P.LNFB), a.dlnf, a.res3[last], params, a.lnfMean, a.lnfRstd, n, d);
        for (int l = last; l >= 0; l--) {
            float[] residual = l == 0 ? a.encoded : a.res3[l - 1];
            Layers.matmulBackward(g.fchAct, false, grads, layout.offset(P.FCPROJW, l), layout.offset(P.FCPROJB, l), dres, a.fchAct[l], params, n, f, d);
            Layers.activationBackward(cfg.act(), g.fch, a.fch[l], g.fchAct, n * f);
            Layers.matmulBackward(g.ln2, false, grads, layout.offset(P.FCW, l), layout.offset(P.FCB, l), g.fch, a.ln2[l], params, n, d, f);
            Layers.layernormBackward(dres, grads, layout.offset(P.LN2W, l), layout.offset(P.LN2B, l), g.ln2, a.res2[l], params, a.ln2Mean[l], a.ln2Rstd[l], n, d);
            Layers.matmulBackward(g.atty, false, grads, layout.offset(P.ATTPROJW, l), layout.offset(P.ATTPROJB, l), dres, a.atty[l], params, n, d, d);
            Layers.attentionBackward(g.qkv, g.att, g.atty, a.qkv[l], a.att[l], b, t, d, h);
            Layers.matmulBackward(g.ln1, false, grads, layout.offset(P.QKVW, l), layout.offset(P.QKVB, l), g.qkv, a.ln1[l], params, n, d, 3 * d);
            Layers.layernormBackward(dres, grads, layout.offset(P.LN1W, l), layout.offset(P.LN1B, l), g.ln1, residual, params, a.ln1Mean[l], a.ln1Rstd[l], n, d);
        }
        Layers.encoderBackward(grads, wte, layout.offset(P.WPE), dres, inputs, n, t, d);
    }

    /**
     * Activation gradients of one backward pass: the residual stream's (updated in place) and one array per
     * role inside a block, reused by every layer (a layer's gradients are dead once the layer below starts).
     */
    private static final class ActGrads {
        final float[] residual, fchAct, fch, ln2, atty, qkv, ln1, att;

        ActGrads(Gpt2Config c, int b, int t) {
            int n = b * t, d = c.dModel(), f = c.dMlp();
            residual = new float[n * d];
            fchAct = new float[n * f];
            fch = new float[n * f];
            ln2 = new float[n * d];
            atty = new float[n * d];
            qkv = new float[n * 3 * d];
            ln1 = new float[n * d];
            att = new float[b * c.heads() * t * t];   // d(pattern) scratch of the GEMM attention
        }

        /** Zeroes the residual gradient, into which the final LayerNorm's backward adds first. */
        void zero() {
            Arrays.fill(residual, 0f);
        }
    }

    /** Activations of one forward pass (llm.c ActivationTensors); per-layer arrays are [layer][N·width]. */
    private static final class Acts {
        final float[] encoded, lnf, lnfMean, lnfRstd, losses, dlnf;
        final float[][] ln1, ln1Mean, ln1Rstd, qkv, atty, att, attproj, res2, ln2, ln2Mean, ln2Rstd, fch, fchAct, fcproj, res3;

        Acts(Gpt2Config c, int b, int t) {
            int n = b * t, d = c.dModel(), f = c.dMlp(), layers = c.layers();
            encoded = new float[n * d];
            ln1 = new float[layers][n * d];
            ln1Mean = new float[layers][n];
            ln1Rstd = new float[layers][n];
            qkv = new float[layers][n * 3 * d];
            atty = new float[layers][n * d];
            att = new float[layers][b * c.heads() * t * t];   // the attention pattern
            attproj = new float[layers][n * d];
            res2 = new float[layers][n * d];
            ln2 = new float[layers][n * d];
            ln2Mean = new float[layers][n];
            ln2Rstd = new float[layers][n];
            fch = new float[layers][n * f];
            fchAct = new float[layers][n * f];
            fcproj = new float[layers][n * d];
            res3 = new float[layers][n * d];
            lnf = new float[n * d];
            lnfMean = new float[n];
            lnfRstd = new float[n];
            losses = new float[n];
            dlnf = new float[n * d];   // the loss gradient at lnf, computed with the loss
        }
    }
}
