package dev.loupe.model;

import dev.loupe.model.TransformerConfig.Normalization;
import dev.loupe.model.TransformerConfig.Positional;
import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one generic decoder-only transformer: embed (+ learned positions) → blocks → final norm →
 * unembed, configured only by a {@link TransformerConfig}. No architecture-specific forward code:
 * the architecture classes in {@code dev.loupe.model.arch} only build the config and canonical weights.
 * Reference: HF {@code transformers} semantics as pinned by {@code ../shared/fixtures/models} (every
 * hook within 1e-5 normalised error), TransformerLens for hook names and shapes.
 *
 * <p><b>Canonical weights</b> (TransformerLens names; matrices stored [in, out] so {@code y = x·W}):
 * {@code embed.W_E} [vocab, d_model]; {@code pos_embed.W_pos} [n_ctx, d_model] (learned positions);
 * {@code blocks.{l}.ln1.w}, {@code .ln1.b}, {@code .ln2.w}, {@code .ln2.b} [d_model] (no b for RMSNorm);
 * {@code blocks.{l}.attn.W_Q} [d_model, n_heads·d_head], {@code W_K}, {@code W_V} [d_model, n_kv_heads·d_head],
 * {@code W_O} [n_heads·d_head, d_model], biases {@code b_Q}, {@code b_K}, {@code b_V}, {@code b_O};
 * {@code blocks.{l}.mlp.W_in} [d_model, d_mlp], {@code W_gate} (gated), {@code W_out} [d_mlp, d_model],
 * {@code b_in}, {@code b_gate}, {@code b_out}; {@code ln_final.w}, {@code ln_final.b};
 * {@code unembed.W_U} [d_model, vocab] (untied only: tied models use {@code embed.W_E} transposed).
 * Head h of W_Q is columns {@code [h·d_head, (h+1)·d_head)}; TL's [n_heads, d_model, d_head] is this
 * permuted. W_O rows are head-major, i.e. TL's [n_heads, d_head, d_model] flattened.
 *
 * <p><b>Inputs and hooks.</b> Tokens are {@code int[batch][seq]} with equal lengths; hook tensors carry
 * the leading batch dimension as in TL ({@code [batch, pos, ...]}, attention scores
 * {@code [batch, head, q_pos, k_pos]}). See {@link #hookNames()}. Not thread-safe.
 */
public final class Transformer {
    private final TransformerConfig cfg;
    private final Map<String, Tensor> weights;
    private final Embed embed;
    private final PosEmbed posEmbed;               // null unless learned positions
    private final TransformerBlock[] blocks;
    private final Norm lnFinal;
    private final Unembed unembed;
    private final List<String> hookNames;
    private final Hooks hooks;
    /** Scratch arrays lent to one forward pass at a time (see {@link Workspace}); empty while one runs. */
    private final AtomicReference<Workspace> workspace = new AtomicReference<>(new Workspace());

    private Transformer(TransformerConfig cfg, Map<String, Tensor> w) {
        this.cfg = cfg;
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(w));
        boolean ln = cfg.normalization() == Normalization.LAYER_NORM;
        float[][] rope = cfg.positional() == Positional.ROTARY ? Ops.ropeTables(cfg.nCtx(), cfg.rotaryDim(), cfg.rotaryBase()) : null;
        embed = new Embed(w.get("embed.W_E"));
        posEmbed = cfg.positional() == Positional.LEARNED ? new PosEmbed(w.get("pos_embed.W_pos")) : null;
        blocks = new TransformerBlock[cfg.nLayers()];
        for (int l = 0; l < blocks.length; l++) {
            String p = "blocks." + l + ".";
            Norm ln1 = new Norm(cfg.normalization(), w.get(p + "ln1.w"), ln ? w.get(p + "ln1.b") : null, cfg.eps(), p + "ln1", l);
            Norm ln2 = new Norm(cfg.normalization(), w.get(p + "ln2.w"), ln ? w.get(p + "ln2.b") : null, cfg.eps(), p + "ln2", l);
            Attention attn = new Attention(cfg, l, w.get(p + "attn.W_Q"), w.get(p + "attn.W_K"), w.get(p + "attn.W_V"),
                    w.get(p + "attn.W_O"), w.get(p + "attn.b_Q"), w.get(p + "attn.b_K"), w.get(p + "attn.b_V"),
                    w.get(p + "attn.b_O"), rope);
            Mlp mlp = new Mlp(cfg.act(), w.get(p + "mlp.W_in"), w.get(p + "mlp.W_gate"), w.get(p + "mlp.W_out"),
                    w.get(p + "mlp.b_in"), w.get(p + "mlp.b_gate"), w.get(p + "mlp.b_out"), l);
            blocks[l] = new TransformerBlock(l, cfg.parallelAttnMlp(), ln1, attn, ln2, mlp);
        }
        lnFinal = new Norm(cfg.normalization(), w.get("ln_final.w"), ln ? w.get("ln_final.b") : null, cfg.eps(), "ln_final", cfg.nLayers());
        unembed = cfg.tiedEmbeddings() ? new Unembed(w.get("embed.W_E"), true) : new Unembed(w.get("unembed.W_U"), false);

        List<String> names = new ArrayList<>();
        names.add(Embed.HOOK);
        if (posEmbed != null) names.add(PosEmbed.HOOK);
        for (TransformerBlock b : blocks) b.hookNames(names, rope != null, cfg.gatedMlp());
        names.add(lnFinal.hookScale);
        names.add(lnFinal.hookNormalized);
        hookNames = List.copyOf(names);
        hooks = new Hooks(names);
    }

    /**
     * Builds a model from canonical weights (see the class comment). Every expected tensor must be
     * present with its exact shape, and nothing else.
     */
    public static Transformer create(TransformerConfig cfg, Map<String, Tensor> weights) {
        Map<String, int[]> expected = expectedShapes(cfg);
        for (var e : expected.entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (t == null) throw new ConfigException(cfg.name() + ": missing weight '" + e.getKey() + "'");
            if (!Arrays.equals(t.shape(), e.getValue()))
                throw new ConfigException(cfg.name() + ": weight '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + ", expected " + Arrays.toString(e.getValue()));
        }
        for (String n : weights.keySet()) {
            if (!expected.containsKey(n)) throw new ConfigException(cfg.name() + ": unexpected weight '" + n + "' for this configuration");
        }
        return new Transformer(cfg, weights);
    }

    /** The canonical weight names and shapes a config needs, in a stable order. */
    public static Map<String, int[]> expectedShapes(TransformerConfig c) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int D = c.dModel(), F = c.dMlp();
        boolean ln = c.normalization() == Normalization.LAYER_NORM;
        m.put("embed.W_E", new int[]{c.vocab(), D});
        if (c.positional() == Positional.LEARNED) m.put("pos_embed.W_pos", new int[]{c.nCtx(), D});
        for (int l = 0; l < c.nLayers(); l++) {
            String p = "blocks." + l + ".";
            for (String n : new String[]{"ln1", "ln2"}) {
                m.put(p + n + ".w", new int[]{D});
                if (ln) m.put(p + n + ".b", new int[]{D});
            }
            m.put(p + "attn.W_Q", new int[]{D, c.qDim()});
            m.put(p + "attn.W_K", new int[]{D, c.kvDim()});
            m.put(p + "attn.W_V", new int[]{D, c.kvDim()});
            m.put(p + "attn.W_O", new int[]{c.qDim(), D});
            if (c.qkvBias()) {
                m.put(p + "attn.b_Q", new int[]{c.qDim()});
                m.put(p + "attn.b_K", new int[]{c.kvDim()});
                m.put(p + "attn.b_V", new int[]{c.kvDim()});
            }
            if (c.attnOutBias()) m.put(p + "attn.b_O", new int[]{D});
            m.put(p + "mlp.W_in", new int[]{D, F});
            if (c.gatedMlp()) m.put(p + "mlp.W_gate", new int[]{D, F});
            m.put(p + "mlp.W_out", new int[]{F, D});
            if (c.mlpBias()) {
                m.put(p + "mlp.b_in", new int[]{F});
                if (c.gatedMlp()) m.put(p + "mlp.b_gate", new int[]{F});
                m.put(p + "mlp.b_out", new int[]{D});
            }
        }
        m.put("ln_final.w", new int[]{D});
        if (ln) m.put("ln_final.b", new int[]{D});
        if (!c.tiedEmbeddings()) m.put("unembed.W_U", new int[]{D, c.vocab()});
        return m;
    }

    public TransformerConfig config() { return cfg; }
    /** Canonical weights (read-only map; the tensors are the live ones). */
    public Map<String, Tensor> weights() { return weights; }
    /** Every hook point of this model, in forward order. */
    public List<String> hookNames() { return hookNames; }
    /** The persistent hook registry; hooks there fire on every forward pass and during generation. */
    public Hooks hooks() { return hooks; }

    public HookHandle addHook(String name, Hook hook) { return hooks.add(name, hook); }

    /** The unembedding as [d_model, vocab] (a transposed copy of W_E when tied). */
    public Tensor unembedMatrix() {
        if (!unembed.tied) return unembed.w;
        int V = cfg.vocab(), D = cfg.dModel();
        float[] src = unembed.w.data(), t = new float[D * V];
        for (int v = 0; v < V; v++) for (int d = 0; d < D; d++) t[d * V + v] = src[v * D + d];
        return new Tensor(t, D, V);
    }

    /** Logits [batch, seq, vocab] (a new tensor). */
    public Tensor forward(int[][] tokens) { return run(tokens, null, cfg.nLayers() - 1, Output.LOGITS, null); }

    /**
     * {@link #forward(int[][])} writing the logits into {@code logits} [batch, seq, vocab] and returning
     * it. Reusing one output tensor across calls of the same shape spares allocating (and the OS
     * zeroing) 4·batch·seq·vocab bytes per call, e.g. 206 MB for 1024 positions of GPT-2's vocabulary.
     */
    public Tensor forwardInto(int[][] tokens, Tensor logits) {
        if (logits == null) throw new IllegalArgumentException("logits is null; use forward(tokens) to get a new tensor");
        int B = tokens.length, S = B == 0 || tokens[0] == null ? 0 : tokens[0].length;
        if (!Arrays.equals(logits.shape(), new int[]{B, S, cfg.vocab()}))
            throw new ConfigException("logits tensor has shape " + Arrays.toString(logits.shape()) + " but this batch needs ["
                    + B + ", " + S + ", " + cfg.vocab() + "]");
        run(tokens, null, cfg.nLayers() - 1, Output.LOGITS, logits.data());
        return logits;
    }

    /**
     * Runs only blocks 0..layer and returns {@code blocks.{layer}.hook_resid_post} [batch, seq, d_model]
     * (layer −1: the embeddings, i.e. {@code blocks.0.hook_resid_pre}).
     */
    public Tensor residualAfter(int[][] tokens, int layer) {
        if (layer < -1 || layer >= cfg.nLayers()) throw new ConfigException("layer " + layer + " is outside [-1, " + (cfg.nLayers() - 1) + "]");
        return run(tokens, null, layer, Output.RESIDUAL, null);
    }

    /** Incremental forward: processes the new tokens after the cache's positions, appends their keys/values; logits [batch, new, vocab]. */
    public Tensor forward(int[][] tokens, KvCache cache) {
        if (cache == null) throw new IllegalArgumentException("cache is null; use forward(tokens) for a full pass");
        return run(tokens, cache, cfg.nLayers() - 1, Output.LOGITS, null);
    }

    /**
     * Prefill as inference engines do it: processes the new tokens after the cache's positions,
     * appends their keys/values, and returns only the logits of each sequence's last new position
     * [batch, vocab]: the final norm and unembedding run on those rows alone (unless a hook on
     * {@code ln_final} needs every position). The next-token distribution, at a fraction of the
     * unembedding's cost for long prompts.
     */
    public Tensor prefill(int[][] tokens, KvCache cache) {
        if (cache == null) throw new IllegalArgumentException("cache is null; use newCache(batch)");
        return run(tokens, cache, cfg.nLayers() - 1, Output.LAST_LOGITS, null);
    }

    /** A KV cache for {@code batch} sequences up to the model's full context. */
    public KvCache newCache(int batch) { return new KvCache(cfg, batch, cfg.nCtx()); }

    /**
     * Forward pass recording copies of the named hooks. Stops after the last block any name needs;
     * the cache then has no logits (names under {@code ln_final} need the whole model). With no names
     * at all it runs the whole model.
     */
    public ActivationCache runWithCache(int[][] tokens, Collection<String> names) {
        int stop = names.isEmpty() ? cfg.nLayers() : -1;
        for (String n : names) {
            hooks.checkName(n);
            stop = Math.max(stop, layerOf(n));
        }
        Map<String, Tensor> acts = new LinkedHashMap<>();
        List<HookHandle> handles = new ArrayList<>();
        try {
            for (String n : new java.util.LinkedHashSet<>(names)) {
                handles.add(hooks.add(n, (act, ctx) -> { acts.put(ctx.name(), act.copy()); return act; }));
            }
            boolean full = stop >= cfg.nLayers();
            Tensor out = run(tokens, null, Math.min(stop, cfg.nLayers() - 1), full ? Output.LOGITS : Output.RESIDUAL, null);
            return new ActivationCache(acts, full ? out : null);
        } finally {
            handles.forEach(HookHandle::close);
        }
    }

    /** Forward pass with temporary hooks (removed afterwards, also on error); returns logits [batch, seq, vocab]. */
    public Tensor runWithHooks(int[][] tokens, Map<String, Hook> temporary) {
        List<HookHandle> handles = new ArrayList<>();
        try {
            temporary.forEach((n, h) -> handles.add(hooks.add(n, h)));
            return forward(tokens);
        } finally {
            handles.forEach(HookHandle::close);
        }
    }

    /** Block index a hook name belongs to; −1 for embeddings, nLayers for ln_final. */
    private int layerOf(String name) {
        if (name.startsWith("blocks.")) return Integer.parseInt(name.substring(7, name.indexOf('.', 7)));
        return name.startsWith("ln_final") ? cfg.nLayers() : -1;
    }

    /** What {@link #run} returns: the residual stream after the last block run, all logits, or the last position's. */
    private enum Output { RESIDUAL, LOGITS, LAST_LOGITS }

    /**
     * Embeds, runs blocks 0..stopAfter, then (unless {@code RESIDUAL}) the final norm and unembedding,
     * into {@code out} when given (else a new array). Never returns a workspace array.
     */
    private Tensor run(int[][] tokens, KvCache cache, int stopAfter, Output output, float[] out) {
        int B = tokens.length;
        if (B == 0) throw new ConfigException("no sequences to run (batch of 0)");
        for (int b = 0; b < B; b++) if (tokens[b] == null) throw new ConfigException("sequence " + b + " is null");
        int S = tokens[0].length;
        int[] ids = new int[B * S];
        for (int b = 0; b < B; b++) {
            if (tokens[b].length != S)
                throw new ConfigException("sequence " + b + " has " + tokens[b].length + " tokens but sequence 0 has " + S
                        + "; batches need equal lengths");
            System.arraycopy(tokens[b], 0, ids, b * S, S);
        }
        if (S == 0) throw new ConfigException("empty token sequence");
        int start = cache == null ? 0 : cache.length();
        if (cache != null && cache.batch != B)
            throw new ConfigException("KV cache is for batch " + cache.batch + " but " + B + " sequences were given");
        int limit = cache == null ? cfg.nCtx() : cache.capacity;
        if (start + S > limit)
            throw new ConfigException("sequence of " + (start + S) + " tokens exceeds the model's context of " + limit
                    + " positions; shorten the input or lower --max-new");
        Workspace ws = workspace.getAndSet(null);                                // null while another forward holds it
        try {
            Step st = Step.of(B, S, start, hooks, ws);
            int D = cfg.dModel();
            // The residual stream is returned for RESIDUAL, so it only lives in the workspace otherwise.
            float[] residArray = output == Output.RESIDUAL ? new float[B * S * D] : st.buf(Workspace.Slot.RESID, B * S * D);
            Tensor resid = embed.forward(ids, st, residArray);                  // [B·S, D]
            if (posEmbed != null && st.reusing()) {
                posEmbed.addTo(resid.data(), st);
            } else if (posEmbed != null) {
                Tensor pos = posEmbed.forward(st);
                Tensor sum = new Tensor(new float[B * S * D], B * S, D);
                Ops.add(resid.data(), pos.data(), sum.data(), sum.numel());
                resid = sum;
            }
            for (int l = 0; l <= stopAfter; l++) resid = blocks[l].forward(resid, st, cache);
            if (cache != null) cache.advance(S);
            if (output == Output.RESIDUAL) return resid.reshape(B, S, D);
            int V = cfg.vocab();
            if (output == Output.LAST_LOGITS) {
                if (hooks.has(lnFinal.hookScale) || hooks.has(lnFinal.hookNormalized))   // they see every position
                    return lastRows(unembed.forward(lnFinal.forward(resid, st), new float[B * S * V]), B, S);
                Step lastOnly = Step.of(B, 1, start + S - 1, hooks, null);
                return unembed.forward(lnFinal.forward(lastRows(resid, B, S), lastOnly), new float[B * V]);
            }
            return unembed.forward(lnFinal.forward(resid, st), out != null ? out : new float[B * S * V]).reshape(B, S, V);
        } finally {
            if (ws != null) workspace.set(ws);
        }
    }

    /** Row S−1 of each of the B sequences of x [B·S, n] → [B, n]. */
    private static Tensor lastRows(Tensor x, int B, int S) {
        int n = x.numel() / (B * S);
        float[] out = new float[B * n];
        for (int b = 0; b < B; b++) System.arraycopy(x.data(), (b * S + S - 1) * n, out, b * n, n);
        return new Tensor(out, B, n);
    }

    /**
     * HF causal-LM loss: mean over sequences and positions t &lt; seq−1 of
     * {@code logsumexp(logits[t]) − logits[t, tokens[t+1]]}, in double. logits [batch, seq, vocab].
     */
    public static double loss(Tensor logits, int[][] tokens) {
        int B = logits.dim(0), S = logits.dim(1), V = logits.dim(2);
        if (tokens.length != B || java.util.Arrays.stream(tokens).anyMatch(t -> t.length != S))
            throw new ConfigException("loss: tokens do not match logits of shape [" + B + ", " + S + ", " + V + "]");
        if (S < 2) throw new ConfigException("the next-token loss needs at least 2 tokens, got " + S);
        float[] x = logits.data();
        double total = 0;
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < S - 1; t++) {
                int o = (b * S + t) * V;
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < V; v++) max = Math.max(max, x[o + v]);
                double sum = 0;
                for (int v = 0; v < V; v++) sum += Math.exp(x[o + v] - max);
                total += max + Math.log(sum) - x[o + tokens[b][t + 1]];
            }
        }
        return total / (B * (S - 1.0));
    }
}
