package dev.loupe.lm;

import dev.loupe.util.Rng;

import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A GPT-2 model being trained: flat parameter and gradient arrays ({@link ParamLayout}) and the
 * llm.c-style forward / backward over a batch [B, T] of token ids, data-parallel: the batch is cut
 * into shards of whole sequences ({@link Gpt2Shard}, about {@value #SHARD_TOKENS} tokens each), each
 * shard's forward and backward runs on one thread with single-threaded kernels, and the shards'
 * gradients are added in shard order. The cut depends on the batch shape only, so results do not
 * depend on the thread count; a batch of one shard runs its kernels multi-threaded instead.
 *
 * <p>Why: a whole step on one thread is efficient (~57% of the 1-thread OpenBLAS ceiling for loupe-1l),
 * while the mid-size GEMMs, attention and LayerNorm of a 2048-token step are too small to split well
 * across threads (docs/lm-trainer-performance.md). Memory: the activations are those of the whole
 * batch (each shard holds its rows), plus one parameter-sized gradient array per shard after the first
 * and per shard one layer's activation gradients and a classifier chunk buffer.
 *
 * <p>Semantics are HF {@code GPT2LMHeadModel} at inference (no dropout), checked against the
 * gpt2-tiny golden fixture. Not the interpretability engine: no hooks, no KV cache.
 */
public final class Gpt2 {
    /** Target tokens per shard: 1024 (8 sequences of 128: two shards for the loupe-1l batch). */
    static final int SHARD_TOKENS = 1024;
    /** At most this many shards, so that the extra gradient arrays stay bounded for big batches. */
    static final int MAX_SHARDS = 8;

    private final Gpt2Config cfg;
    private final ParamLayout layout;
    private final int shardTokens;
    private final float[] params, grads;
    private Gpt2Shard[] shards = new Gpt2Shard[0];
    private float[][] shardGrads = new float[0][];   // [shard − 1][params]: the gradients of shards 1.. (shard 0 uses grads)
    private float[] logits = new float[0];   // [N, V] of a forward without targets
    private int bsz, seq, targetCount;
    private int batchTargets;   // targets in the last batch (the mean loss's denominator)

    public Gpt2(Gpt2Config cfg) {
        this(cfg, Integer.getInteger("loupe.shardTokens", SHARD_TOKENS));
    }

    /** With {@code shardTokens} per shard instead of {@value #SHARD_TOKENS} (tests; measurements with -Dloupe.shardTokens). */
    Gpt2(Gpt2Config cfg, int shardTokens) {
        if (shardTokens < 1) throw new IllegalArgumentException("shardTokens must be >= 1, got " + shardTokens);
        this.cfg = cfg;
        this.layout = new ParamLayout(cfg);
        this.shardTokens = shardTokens;
        this.params = new float[layout.total()];
        this.grads = new float[layout.total()];
    }

    public Gpt2Config config() { return cfg; }
    public ParamLayout layout() { return layout; }
    /** The live parameter array (the optimizer updates it in place). */
    public float[] params() { return params; }
    /** Gradients of the last {@link #backward()}. */
    public float[] grads() { return grads; }
    /** Data-parallel shards of the last batch (0 before the first forward). */
    int shards() { return shards.length; }

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
        float dloss = prepare(inputs, targets, b, t, gradient);
        Parallel.forRange(shards.length, (s0, s1) -> {
            for (int s = s0; s < s1; s++) shards[s].forward(params, targets != null, dloss, logits);
        });
        return targets == null ? Double.NaN : meanLoss();
    }

    /**
     * {@link #forward(int[], int[], int, int)} with targets and then {@link #backward()}, in one go: each
     * shard runs its forward and its backward back to back on one thread, so the step has one parallel
     * region instead of two and the shards' imbalances are not paid once per phase. The same results as
     * the two calls, bit for bit (the same shard computations in the same order). Returns the mean loss;
     * the gradients are in {@link #grads()}.
     */
    public double forwardBackward(int[] inputs, int[] targets, int b, int t) {
        float dloss = prepare(inputs, Objects.requireNonNull(targets, "targets"), b, t, true);
        if (targetCount == 0) throw new IllegalArgumentException("a training step needs a batch with at least one target (all are −1)");
        targetCount = 0;
        allocateShardGrads();
        Parallel.forRange(shards.length, (s0, s1) -> {
            for (int s = s0; s < s1; s++) {
                shards[s].forward(params, true, dloss, logits);
                shards[s].backward(params, s == 0 ? grads : shardGrads[s - 1]);
            }
        });
        reduceShardGrads();
        return meanLoss();
    }

    /** Checks the batch, (re)cuts the shards, copies each shard's rows and counts the targets; returns the loss gradient scale. */
    private float prepare(int[] inputs, int[] targets, int b, int t, boolean gradient) {
        if (t > cfg.context()) throw new IllegalArgumentException("sequence length " + t + " exceeds the context " + cfg.context());
        if (inputs.length != b * t || (targets != null && targets.length != b * t))
            throw new IllegalArgumentException("expected " + b + "×" + t + " token ids");
        for (int tok : inputs) {
            if (tok < 0 || tok >= cfg.vocabSize()) throw new IllegalArgumentException("token id " + tok + " outside the vocabulary [0, " + cfg.vocabSize() + ")");
        }
        if (shards.length == 0 || bsz != b || seq != t) shard(b, t);
        int count = 0;
        if (targets != null) for (int tg : targets) if (tg >= 0) count++;
        int v = cfg.vocabSize();
        if (targets == null && logits.length != b * t * v) logits = new float[Math.multiplyExact(b * t, v)];
        for (Gpt2Shard s : shards) {
            System.arraycopy(inputs, s.row0, s.inputs, 0, s.rows());
            if (targets != null) System.arraycopy(targets, s.row0, s.targets, 0, s.rows());
        }
        targetCount = batchTargets = count;
        // every shard scales its loss gradient by 1/(targets in the whole batch): the sum of the shards'
        // gradients is then exactly the gradient of the batch's mean loss, whatever each shard's count
        return gradient && count > 0 ? 1f / count : 0f;
    }

    /** The mean of the shards' row losses over the targets counted by the last {@link #prepare}, summed in row order. */
    private double meanLoss() {
        double sum = 0;   // in row order, whatever the shards
        for (Gpt2Shard s : shards) {
            float[] losses = s.losses();
            for (int i = 0; i < s.rows(); i++) sum += losses[i];
        }
        return batchTargets == 0 ? Double.NaN : sum / batchTargets;
    }

    /**
     * Cuts a batch of b sequences into ⌈b / max(1, shardTokens / t)⌉ shards (at most {@link #MAX_SHARDS})
     * of whole sequences, as even as possible: a function of the batch shape only, never of the thread count.
     */
    private void shard(int b, int t) {
        int perShard = Math.max(1, shardTokens / t);
        int count = Math.min(MAX_SHARDS, (b + perShard - 1) / perShard);
        shards = new Gpt2Shard[count];
        for (int s = 0; s < count; s++) {
            int first = b * s / count, next = b * (s + 1) / count;
            shards[s] = new Gpt2Shard(cfg, layout, first, next - first, t);
        }
        shardGrads = new float[count - 1][];   // shard 0 writes into grads itself
        bsz = b;
        seq = t;
    }

    /** Gradients of the last forward's mean loss with respect to every parameter, into {@link #grads()}. */
    public void backward() {
        if (shards.length == 0 || targetCount == 0)
            throw new IllegalStateException("backward needs a forward pass with targets first");
        targetCount = 0;             // one backward per forward, as in training
        allocateShardGrads();
        Parallel.forRange(shards.length, (s0, s1) -> {
            for (int s = s0; s < s1; s++) shards[s].backward(params, s == 0 ? grads : shardGrads[s - 1]);
        });
        reduceShardGrads();
    }

    private void allocateShardGrads() {
        for (int s = 1; s < shards.length; s++) if (shardGrads[s - 1] == null) shardGrads[s - 1] = new float[grads.length];
    }

    /** grads = Σ_s shard gradients, in shard order for every element (the same sum for any thread count). */
    private void reduceShardGrads() {
        if (shardGrads.length == 0) return;
        Ops.forRange(grads.length, (from, to) -> {
            for (float[] g : shardGrads) {
                for (int i = from; i < to; i++) grads[i] += g[i];
            }
        });
    }

    /** Logits [S, V] of one sequence (positions 0..S−1): what the engine's forward must reproduce. */
    public Tensor logits(int[] tokens) {
        forward(tokens, null, 1, tokens.length);
        return new Tensor(Arrays.copyOf(logits, tokens.length * cfg.vocabSize()), tokens.length, cfg.vocabSize());
    }
}
