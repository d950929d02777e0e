package dev.loupe.model;

import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tensor.Tensor;
import dev.loupe.testutil.Shared;
import dev.loupe.util.ConfigException;
import dev.loupe.util.LoupeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batching, early stop, patching, hook handles and the KV cache, on the fixture models. */
class ModelBehaviourTest {
    static Transformer load(String name) { return ModelLoader.load(Shared.path("fixtures/models/" + name)); }

    static int[][] randomTokens(int batch, int seq, int vocab, long seed) {
        Random r = new Random(seed);
        int[][] t = new int[batch][seq];
        for (int[] row : t) for (int i = 0; i < seq; i++) row[i] = r.nextInt(vocab);
        return t;
    }

    static float[] slice(Tensor t, int b) {
        int per = t.numel() / t.dim(0);
        return java.util.Arrays.copyOfRange(t.data(), b * per, (b + 1) * per);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "pythia-tiny-parallel", "llama-tiny-gqa", "qwen2-tiny"})
    void batchedForwardEqualsPerSequence(String name) {
        Transformer m = load(name);
        int[][] tokens = randomTokens(3, 11, m.config().vocab(), 7);
        ActivationCache batched = m.runWithCache(tokens, m.hookNames());
        for (int b = 0; b < 3; b++) {
            ActivationCache single = m.runWithCache(new int[][]{tokens[b]}, m.hookNames());
            FixtureForwardTest.assertClose(name + " logits b=" + b, single.logits().data(), slice(batched.logits(), b));
            for (String h : m.hookNames()) {
                float[] e = single.get(h).data(), a = slice(batched.get(h), b);
                if (h.endsWith("attn_scores")) FixtureForwardTest.compareScores(h, e, a, 11);
                else FixtureForwardTest.assertClose(name + " " + h + " b=" + b, e, a);
            }
        }
        assertEquals(List.of(3, 4, 11, 11), List.of(batched.get("blocks.1.attn.hook_pattern").shape()[0],
                batched.get("blocks.1.attn.hook_pattern").shape()[1], batched.get("blocks.1.attn.hook_pattern").shape()[2],
                batched.get("blocks.1.attn.hook_pattern").shape()[3]));
    }

    @Test
    void stoppingEarlyGivesIdenticalHooks() {
        Transformer m = load("neox-tiny-sequential");
        int[][] tokens = randomTokens(2, 9, m.config().vocab(), 3);
        List<String> early = List.of("hook_embed", "blocks.0.hook_resid_post", "blocks.1.mlp.hook_post", "blocks.1.attn.hook_rot_q");
        AtomicInteger layer2Calls = new AtomicInteger();
        try (HookHandle h = m.addHook("blocks.2.hook_resid_pre", (a, c) -> { layer2Calls.incrementAndGet(); return a; })) {
            ActivationCache part = m.runWithCache(tokens, early);
            assertNull(part.logits(), "stopped before the unembedding");
            assertEquals(0, layer2Calls.get(), "block 2 must not run");
            ActivationCache full = m.runWithCache(tokens, m.hookNames());
            assertEquals(1, layer2Calls.get());
            for (String n : early) assertArrayEquals(full.get(n).data(), part.get(n).data(), n);
            assertArrayEquals(full.get("blocks.1.hook_resid_post").data(), m.residualAfter(tokens, 1).data());
            assertArrayEquals(full.get("blocks.2.hook_resid_post").data(), m.residualAfter(tokens, 2).data(), "last layer: residual, not logits");
            assertArrayEquals(full.get("hook_embed").data(), m.residualAfter(tokens, -1).data(), "no learned positions: resid_pre 0 = embed");
            assertNull(m.runWithCache(tokens, List.of("blocks.2.hook_mlp_out")).logits());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "pythia-tiny-parallel", "llama-tiny-tied"})
    void zeroingMlpOutPatchesDownstream(String name) {
        Transformer m = load(name);
        int[][] tokens = randomTokens(1, 8, m.config().vocab(), 11);
        Tensor clean = m.forward(tokens);
        Hook zero = (a, c) -> new Tensor(new float[a.numel()], a.shape());
        ActivationCache patched;
        try (HookHandle h = m.addHook("blocks.0.hook_mlp_out", zero)) {
            patched = m.runWithCache(tokens, m.hookNames());
        }
        // Manual: with the MLP output zeroed, resid_post = resid_pre + attn_out (+ 0).
        float[] pre = patched.get("blocks.0.hook_resid_pre").data(), attn = patched.get("blocks.0.hook_attn_out").data();
        float[] post = patched.get("blocks.0.hook_resid_post").data();
        for (int i = 0; i < post.length; i++) assertEquals(pre[i] + attn[i], post[i], 1e-6f * (1 + Math.abs(post[i])));
        for (float v : patched.get("blocks.0.hook_mlp_out").data()) assertEquals(0f, v);
        double diff = maxAbsDiff(clean.data(), patched.logits().data());
        assertTrue(diff > 1e-3, "patching must change the logits (diff " + diff + ")");
        // The handle was closed: the clean logits come back exactly.
        assertArrayEquals(clean.data(), m.forward(tokens).data());
        // The same patch through runWithHooks gives the same logits.
        assertArrayEquals(patched.logits().data(), m.runWithHooks(tokens, Map.of("blocks.0.hook_mlp_out", zero)).data());
        assertArrayEquals(clean.data(), m.forward(tokens).data());
    }

    /** Fixtures README §9 (a): a uniform causal pattern makes z the running mean of v (with GQA sharing). */
    @Test
    void patchedUniformPatternGivesRunningMeanOfV() {
        Transformer m = load("llama-tiny-gqa");
        int S = 7, H = 4, Dh = 16, group = 2;
        int[][] tokens = randomTokens(1, S, m.config().vocab(), 21);
        Hook uniform = (a, c) -> {
            Tensor u = new Tensor(new float[a.numel()], a.shape());
            for (int h = 0; h < H; h++) for (int q = 0; q < S; q++) for (int k = 0; k <= q; k++) u.set(1f / (q + 1), 0, h, q, k);
            return u;
        };
        ActivationCache c;
        try (HookHandle h = m.addHook("blocks.0.attn.hook_pattern", uniform)) {
            c = m.runWithCache(tokens, List.of("blocks.0.attn.hook_v", "blocks.0.attn.hook_z", "blocks.0.attn.hook_pattern"));
        }
        Tensor v = c.get("blocks.0.attn.hook_v"), z = c.get("blocks.0.attn.hook_z");
        assertEquals(0.25f, c.get("blocks.0.attn.hook_pattern").get(0, 2, 3, 1), "the cache sees the patched pattern");
        for (int h = 0; h < H; h++) {
            for (int q = 0; q < S; q++) {
                for (int d = 0; d < Dh; d++) {
                    double mean = 0;
                    for (int k = 0; k <= q; k++) mean += v.get(0, k, h / group, d) / (q + 1.0);
                    assertEquals(mean, z.get(0, q, h, d), 1e-5, "z[" + q + "," + h + "," + d + "]");
                }
            }
        }
    }

    /** Fixtures README §9 (c): with every attention and MLP output zeroed, logits = final_norm(embeddings)·W_U. */
    @Test
    void zeroedBranchesGiveEmbeddingLogits() {
        Transformer m = load("gpt2-tiny");
        TransformerConfig c = m.config();
        int[][] tokens = randomTokens(1, 5, c.vocab(), 5);
        Hook zero = (a, ctx) -> new Tensor(new float[a.numel()], a.shape());
        Map<String, Hook> hooks = new java.util.HashMap<>();
        for (int l = 0; l < c.nLayers(); l++) { hooks.put("blocks." + l + ".hook_attn_out", zero); hooks.put("blocks." + l + ".hook_mlp_out", zero); }
        float[] logits = m.runWithHooks(tokens, hooks).data();
        int D = c.dModel(), V = c.vocab();
        float[] wE = m.weights().get("embed.W_E").data(), wPos = m.weights().get("pos_embed.W_pos").data();
        float[] g = m.weights().get("ln_final.w").data(), bb = m.weights().get("ln_final.b").data();
        for (int p = 0; p < 5; p++) {
            double[] x = new double[D];
            double mean = 0, var = 0;
            for (int d = 0; d < D; d++) { x[d] = wE[tokens[0][p] * D + d] + wPos[p * D + d]; mean += x[d] / D; }
            for (int d = 0; d < D; d++) var += (x[d] - mean) * (x[d] - mean) / D;
            for (int d = 0; d < D; d++) x[d] = (x[d] - mean) / Math.sqrt(var + c.eps()) * g[d] + bb[d];
            for (int v = 0; v < V; v++) {
                double s = 0;
                for (int d = 0; d < D; d++) s += x[d] * wE[v * D + d];
                assertEquals(s, logits[p * V + v], 1e-4);
            }
        }
    }

    @Test
    void hookHandlesAndErrors() {
        Transformer m = load("llama-tiny-gqa");
        int[][] tokens = randomTokens(1, 4, m.config().vocab(), 2);
        AtomicInteger calls = new AtomicInteger();
        HookHandle h = m.addHook("blocks.1.attn.hook_k", (a, c) -> {
            assertEquals(List.of(1, 4, 2, 16), List.of(a.dim(0), a.dim(1), a.dim(2), a.dim(3)));
            assertEquals(1, c.layer());
            calls.incrementAndGet();
            return a;
        });
        m.forward(tokens);
        assertEquals(1, calls.get());
        h.close();
        h.close();
        m.forward(tokens);
        assertEquals(1, calls.get(), "closed hook must not fire");
        assertTrue(m.hooks().isEmpty());
        ConfigException e = assertThrows(ConfigException.class, () -> m.addHook("blocks.0.hook_resid_mid_typo", (a, c) -> a));
        assertTrue(e.getMessage().contains("blocks.0.hook_resid_mid_typo") && e.getMessage().contains("closest: blocks.0.hook_resid_mid,"), e.getMessage());
        assertThrows(ConfigException.class, () -> m.runWithHooks(tokens, Map.of("blocks.0.attn.hook_q", (a, c) -> new Tensor(new float[3], 3))));
        assertTrue(m.hooks().isEmpty(), "runWithHooks removes its hooks even when the forward fails");
        assertThrows(LoupeException.class, () -> m.forward(randomTokens(1, 65, m.config().vocab(), 1)));
        assertThrows(ConfigException.class, () -> m.forward(new int[][]{{1, 2}, {3}}));
        assertThrows(ConfigException.class, () -> m.forward(new int[][]{{1, 999}}));
        assertTrue(!m.hookNames().contains("hook_pos_embed") && m.hookNames().contains("blocks.0.mlp.hook_pre_linear"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "neox-tiny-sequential", "llama-tiny-gqa", "qwen2-tiny"})
    void kvCacheMatchesFullForward(String name) {
        Transformer m = load(name);
        int[][] tokens = randomTokens(2, 12, m.config().vocab(), 9);
        Tensor full = m.forward(tokens);
        KvCache cache = m.newCache(2);
        int V = m.config().vocab();
        int[] cuts = {0, 5, 6, 12};                      // prefill 5, one step, then 6 at once
        for (int i = 0; i + 1 < cuts.length; i++) {
            int from = cuts[i], to = cuts[i + 1];
            int[][] chunk = {java.util.Arrays.copyOfRange(tokens[0], from, to), java.util.Arrays.copyOfRange(tokens[1], from, to)};
            AtomicInteger seenStart = new AtomicInteger(-1);
            Tensor part;
            try (HookHandle h = m.addHook("blocks.0.hook_resid_pre", (a, c) -> { seenStart.set(c.startPos()); assertEquals(to - from, a.dim(1)); return a; })) {
                part = m.forward(chunk, cache);
            }
            assertEquals(from, seenStart.get(), "hooks see the new positions");
            for (int b = 0; b < 2; b++) {
                float[] e = java.util.Arrays.copyOfRange(full.data(), (b * 12 + from) * V, (b * 12 + to) * V);
                FixtureForwardTest.assertClose(name + " cached logits " + from + ".." + to, e, slice(part, b));
            }
        }
        assertEquals(12, cache.length());
    }

    /** Sequences longer than the attention query tile, with and without hooks, and cached in uneven chunks. */
    @Test
    void longSequencesAcrossQueryTiles() {
        TransformerConfig c = TransformerConfig.builder().name("rand").nLayers(2).dModel(32).nHeads(4).nKvHeads(2).vocab(50).nCtx(300)
                .normalization(TransformerConfig.Normalization.RMS_NORM).positional(TransformerConfig.Positional.ROTARY)
                .gatedMlp(true).act(TransformerConfig.Activation.SILU).qkvBias(false).attnOutBias(false).mlpBias(false).build();
        Transformer m = RandomInit.model(c, 3);
        int[][] tokens = randomTokens(2, 203, c.vocab(), 4);
        Tensor plain = m.forward(tokens);
        ActivationCache hooked = m.runWithCache(tokens, List.of("ln_final.hook_scale", "blocks.1.attn.hook_pattern"));
        FixtureForwardTest.assertClose("tiled vs full-score attention", hooked.logits().data(), plain.data());
        KvCache cache = m.newCache(2);
        int V = c.vocab();
        int[] cuts = {0, 70, 71, 203};
        for (int i = 0; i + 1 < cuts.length; i++) {
            int from = cuts[i], to = cuts[i + 1];
            int[][] chunk = {java.util.Arrays.copyOfRange(tokens[0], from, to), java.util.Arrays.copyOfRange(tokens[1], from, to)};
            Tensor part = m.forward(chunk, cache);
            for (int b = 0; b < 2; b++) {
                float[] e = java.util.Arrays.copyOfRange(plain.data(), (b * 203 + from) * V, (b * 203 + to) * V);
                FixtureForwardTest.assertClose("cached " + from + ".." + to, e, slice(part, b));
            }
        }
    }

    @Test
    void cachedGenerationEqualsRecompute() {
        Transformer m = load("llama-tiny-gqa");
        int[] prompt = {5, 17, 42};
        List<Integer> starts = new java.util.ArrayList<>();
        int[] cached;
        try (HookHandle h = m.addHook("blocks.1.hook_resid_post", (a, c) -> { starts.add(c.startPos()); return a; })) {
            cached = Generator.generate(m, prompt, 20, Sampling.greedyDecoding(), -1, true);
        }
        assertEquals(20, starts.size(), "hooks fire once per generation step");
        assertEquals(List.of(0, 3, 4), starts.subList(0, 3), "prefill at 0, then one new position per step");
        int[] recomputed = Generator.generate(m, prompt, 20, Sampling.greedyDecoding(), -1, false);
        assertArrayEquals(recomputed, cached);
        int[] s1 = Generator.generate(m, prompt, 20, Sampling.sample(0.8, 0.9, 42), -1, true);
        int[] s2 = Generator.generate(m, prompt, 20, Sampling.sample(0.8, 0.9, 42), -1, false);
        assertArrayEquals(s1, s2, "same seed, same samples with and without the cache");
        ConfigException e = assertThrows(ConfigException.class, () -> Generator.generate(m, prompt, 62, Sampling.greedyDecoding(), -1, true));
        assertTrue(e.getMessage().contains("context"), e.getMessage());
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
        return d;
    }
}
