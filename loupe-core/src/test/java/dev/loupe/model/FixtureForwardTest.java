package dev.loupe.model;

import dev.loupe.io.SafeTensors;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tensor.Tensor;
import dev.loupe.testutil.Shared;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden test of loader + forward + hooks against ../shared/fixtures/models (HF semantics computed in
 * float64 by an independent implementation): logits, loss and every hook of seq0/seq1 within
 * normalised max error 1e-5; seq2 (full context) logits and loss.
 */
class FixtureForwardTest {
    static final double TOL = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "gpt2-tiny-fp16-legacy", "pythia-tiny-parallel", "neox-tiny-sequential",
            "llama-tiny-gqa", "llama-tiny-tied", "llama-tiny-bf16", "qwen2-tiny"})
    void matchesFixture(String name) {
        Path dir = Shared.path("fixtures/models/" + name);
        Transformer model = ModelLoader.load(dir);
        boolean rms = model.config().normalization() == TransformerConfig.Normalization.RMS_NORM;
        worst = 0;
        double worstLoss = 0;
        try (SafeTensors exp = SafeTensors.open(dir.resolve("expected.safetensors"))) {
            for (String seq : List.of("seq0", "seq1", "seq2")) {
                int[][] tokens = {toInts(exp.longs(seq + ".input_ids"))};
                int S = tokens[0].length;
                Set<String> expectedHooks = new TreeSet<>();
                for (String k : exp.entries().keySet()) {
                    if (!k.startsWith(seq + ".")) continue;
                    String n = k.substring(seq.length() + 1);
                    if (!Set.of("input_ids", "logits", "loss", "nll").contains(n)) expectedHooks.add(n);
                }
                // seq2 runs with no hooks (the fused per-head attention path); seq0/seq1 with every hook.
                ActivationCache cache = model.runWithCache(tokens, seq.equals("seq2") ? List.of() : model.hookNames());
                Tensor logits = seq.equals("seq2") ? model.forward(tokens) : cache.logits();
                assertEquals(List.of(1, S, model.config().vocab()), List.of(logits.dim(0), logits.dim(1), logits.dim(2)));
                assertClose(name + " " + seq + " logits", exp.tensor(seq + ".logits").data(), logits.data());
                if (S > 1) {
                    double loss = Transformer.loss(logits, tokens);
                    assertEquals(exp.scalarDouble(seq + ".loss"), loss, 1e-5, name + " " + seq + " loss");
                    worstLoss = Math.max(worstLoss, Math.abs(exp.scalarDouble(seq + ".loss") - loss));
                }
                if (seq.equals("seq2")) continue;
                assertEquals(expectedHooks, new TreeSet<>(model.hookNames()), name + ": hook point set differs from the fixture's");
                for (String h : expectedHooks) {
                    float[] e = exp.tensor(seq + "." + h).data();
                    Tensor ours = cache.get(h);
                    assertEquals(1, ours.dim(0), h + " batch dim");
                    assertEquals(e.length, ours.numel(), name + " " + h + " size");
                    float[] a = ours.data();
                    if (h.endsWith("hook_attn_scores")) {
                        compareScores(name + " " + seq + " " + h, e, a, S);
                    } else if (rms && h.endsWith("hook_normalized")) {
                        // Loupe (like TL's RMSNorm) hooks x/scale before the weight; the fixture holds w·x/scale.
                        String prefix = h.substring(0, h.length() - ".hook_normalized".length());
                        float[] w = model.weights().get(prefix + ".w").data();
                        float[] weighted = a.clone();
                        for (int i = 0; i < weighted.length; i++) weighted[i] *= w[i % w.length];
                        assertClose(name + " " + seq + " " + h + " (× weight)", e, weighted);
                        // and the pre-weight value derived from the fixture: x / hook_scale
                        float[] x = exp.tensor(seq + "." + normInput(h, model.config())).data();
                        float[] sc = exp.tensor(seq + "." + prefix + ".hook_scale").data();
                        float[] pre = x.clone();
                        for (int i = 0; i < pre.length; i++) pre[i] /= sc[i / w.length];
                        assertClose(name + " " + seq + " " + h + " (pre-weight)", pre, a);
                    } else {
                        assertClose(name + " " + seq + " " + h, e, a);
                    }
                }
            }
        }
        System.out.printf("%s: worst normalised error %.2e over logits and hooks, worst |Δloss| %.2e%n", name, worst, worstLoss);
    }

    /** The residual hook feeding a norm, per fixtures README §4. */
    static String normInput(String hook, TransformerConfig c) {
        if (hook.startsWith("ln_final")) return "blocks." + (c.nLayers() - 1) + ".hook_resid_post";
        String layer = hook.substring(0, hook.indexOf(".ln"));
        boolean ln1 = hook.contains(".ln1.");
        return layer + (ln1 || c.parallelAttnMlp() ? ".hook_resid_pre" : ".hook_resid_mid");
    }

    static void compareScores(String what, float[] e, float[] a, int S) {
        List<Integer> visible = new ArrayList<>();
        for (int i = 0; i < e.length; i++) {
            int q = (i / S) % S, k = i % S;
            if (k <= q) visible.add(i);
            else {
                assertEquals(Float.NEGATIVE_INFINITY, e[i], what + ": fixture not -inf above diagonal?");
                assertEquals(Float.NEGATIVE_INFINITY, a[i], what + ": expected -inf above the diagonal at " + i);
            }
        }
        float[] ev = new float[visible.size()], av = new float[visible.size()];
        for (int j = 0; j < ev.length; j++) { ev[j] = e[visible.get(j)]; av[j] = a[visible.get(j)]; }
        assertClose(what, ev, av);
    }

    /** Worst normalised error seen by the current test (printed per fixture for the record). */
    static double worst;

    static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) actual[i] - expected[i]));
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            if (Float.isNaN(actual[i])) throw new AssertionError(what + ": NaN at " + i);
        }
        double err = maxAbs == 0 ? maxDiff : maxDiff / maxAbs;
        worst = Math.max(worst, err);
        assertTrue(err <= TOL, what + ": normalised max error " + err + " > " + TOL);
    }

    static int[] toInts(long[] l) {
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) r[i] = Math.toIntExact(l[i]);
        return r;
    }
}
