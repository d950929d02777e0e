package dev.loupe.intervene;

import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Generator;
import dev.loupe.model.HookHandle;
import dev.loupe.model.Sampling;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SteeringTest {
    static final String HOOK = "blocks.0.hook_resid_mid";

    private static int[][] prompt(Tokenizer tok) { return new int[][]{tok.encode("public static int max(int a, int b) {", true)}; }

    @Test void addMovesTheHookActivationByExactlyAlphaTimesTheDirection() {
        Transformer m = TestModels.loupe1l();
        int[][] ids = prompt(TestModels.loupe1lTokenizer());
        Dictionary dict = Baselines.randomDirections(128, 300, 7);
        float[] before = m.runWithCache(ids, List.of(HOOK)).get(HOOK).data().clone();
        float[][] after = new float[1][];
        double alpha = 3.25;
        try (HookHandle steer = m.addHook(HOOK, Steering.hook(dict, List.of(FeatureEdit.add(41, alpha))));
             HookHandle read = m.addHook(HOOK, (a, c) -> { after[0] = a.data().clone(); return a; })) {
            m.forward(ids);
        }
        float[] dir = dict.direction(41);
        for (int i = 0; i < before.length; i++)
            assertEquals(before[i] + alpha * dir[i % 128], after[0][i], 1e-5, "element " + i);
    }

    @Test void clampingAFeatureToItsCurrentValueChangesNothing() {
        Transformer m = TestModels.loupe1l();
        int[][] ids = {{TestModels.loupe1lTokenizer().bosId().getAsInt()}};   // one position: one current value
        Dictionary dict = Baselines.randomDirections(128, 300, 7);
        Tensor clean = m.runWithCache(ids, List.of(HOOK)).get(HOOK);
        float[] codes = dict.encode(clean.reshape(1, 128)).data();
        int f = 0;
        while (codes[f] <= 0) f++;                                    // a feature that is active here
        Tensor logits = m.forward(ids);
        Tensor clamped = m.runWithHooks(ids, Map.of(HOOK, Steering.hook(dict, List.of(FeatureEdit.clamp(f, codes[f])))));
        assertArrayEquals(logits.data(), clamped.data(), 1e-5f);
        Tensor moved = m.runWithHooks(ids, Map.of(HOOK, Steering.hook(dict, List.of(FeatureEdit.clamp(f, codes[f] + 5)))));
        assertTrue(maxAbsDiff(logits.data(), moved.data()) > 1e-2, "clamping to another value must change the logits");
    }

    @Test void clampSetsTheCodeOfAnOrthonormalDictionary() {
        Transformer m = TestModels.loupe1l();
        int[][] ids = prompt(TestModels.loupe1lTokenizer());
        Dictionary neurons = Baselines.neuronBasis(128);
        float[][] after = new float[1][];
        try (HookHandle steer = m.addHook(HOOK, Steering.hook(neurons, List.of(FeatureEdit.clamp(5, -2.5), FeatureEdit.clamp(9, 1))));
             HookHandle read = m.addHook(HOOK, (a, c) -> { after[0] = a.data().clone(); return a; })) {
            m.forward(ids);
        }
        for (int r = 0; r < ids[0].length; r++) {
            assertEquals(-2.5f, after[0][r * 128 + 5], 1e-6f);
            assertEquals(1f, after[0][r * 128 + 9], 1e-6f);
        }
    }

    @Test void compareGivesThePlainCompletionAndASteeredOne() {
        Transformer m = TestModels.loupe1l();
        Tokenizer tok = TestModels.loupe1lTokenizer();
        String p = "public static int max(int a, int b) {";
        Dictionary dict = Baselines.neuronBasis(128);
        var s = Steering.compare(m, tok, HOOK, dict, List.of(FeatureEdit.add(3, 60)), p, 12, Sampling.greedyDecoding());
        int[] ids = tok.encode(p, true);
        int[] plain = Generator.generate(m, ids, 12, Sampling.greedyDecoding(), tok.eosId().orElse(-1), true);
        assertEquals(tok.decode(concat(ids, plain), true), tok.decode(ids, true) + s.unsteered());
        assertNotEquals(s.unsteered(), s.steered());
        assertTrue(m.hooks().isEmpty(), "the steering hook is removed afterwards");
        var same = Steering.compare(m, tok, HOOK, dict, List.of(FeatureEdit.add(3, 0)), p, 12, Sampling.greedyDecoding());
        assertEquals(same.unsteered(), same.steered());
    }

    @Test void badEditsAreOneLineErrors() {
        Dictionary dict = Baselines.neuronBasis(128);
        var e = assertThrows(ConfigException.class, () -> Steering.hook(dict, List.of(FeatureEdit.add(128, 1))));
        assertTrue(e.getMessage().contains("feature 128"), e.getMessage());
        Transformer m = TestModels.loupe1l();
        var w = assertThrows(ConfigException.class, () -> m.runWithHooks(new int[][]{{1, 2}},
                Map.of("blocks.0.mlp.hook_post", Steering.hook(dict, List.of(FeatureEdit.add(1, 1))))));
        assertTrue(w.getMessage().contains("width 512"), w.getMessage());
        assertThrows(ConfigException.class, () -> FeatureEdit.parse("abc"));
        assertEquals(FeatureEdit.add(12, -4.5), FeatureEdit.parse("12-4.5"));
        assertEquals(FeatureEdit.add(12, 4), FeatureEdit.parse("12+4"));
        assertEquals(FeatureEdit.clamp(7, -1), FeatureEdit.parse("7=-1"));
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
