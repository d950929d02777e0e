// EngineLiveModel over the committed loupe-1l: per-token top features must be the hook's own values
// (read with runWithCache, independently of the dictionary code path, for the neuron basis), a saved
// baseline must encode as the in-memory one, the store loader must skip a dictionary whose hook width
// does not match, and bad inputs must fail with one-line ConfigExceptions.
package dev.loupe.server;

import dev.loupe.dictionary.LinearDictionary;
import dev.loupe.model.Transformer;
import dev.loupe.store.FeatureStore;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class EngineLiveModelTest {
    @TempDir static Path dir;
    static EngineLiveModel live;
    static Transformer model;
    static Tokenizer tok;

    @BeforeAll static void load() {
        Path db = EngineStores.write(dir);
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            live = EngineLiveModel.load(EngineStores.MODEL, null, s, null);
        }
        model = EngineStores.model();
        tok = EngineStores.tokenizer();
    }

    /** hook_post rows for BOS + text, [seq, d_mlp], straight from the engine. */
    static float[] hookRows(String text) { return hookRowsOf(model, tok, text); }

    static float[] hookRowsOf(Transformer model, Tokenizer tok, String text) {
        int[] body = tok.encode(text, false);
        int[] ids = new int[body.length + 1];
        ids[0] = tok.bosId().orElse(tok.eosId().getAsInt());
        System.arraycopy(body, 0, ids, 1, body.length);
        return model.runWithCache(new int[][] {ids}, List.of(EngineStores.HOOK)).get(EngineStores.HOOK).data();
    }

    @Test void loadsTheMatchingDictionariesAndSkipsTheOthers() {
        assertEquals("loupe-1l", live.name());
        assertEquals(List.of("neurons", "random"), live.dictionaries());
    }

    @Test void neuronTopFeaturesAreTheLargestHookValuesPerToken() {
        String text = "public static void main(String[] args) {";
        float[] acts = hookRows(text);
        int[] body = tok.encode(text, false);
        List<LiveModel.TokenFeatures> got = live.topFeatures("neurons", text, 3);
        assertEquals(body.length, got.size());
        int m = EngineStores.D_MLP;
        for (int t = 0; t < body.length; t++) {
            assertEquals(tok.displayToken(body[t]), got.get(t).token());
            int row = (t + 1) * m;                                      // +1: BOS is not shown
            float[] sorted = java.util.Arrays.copyOfRange(acts, row, row + m);
            java.util.Arrays.sort(sorted);
            List<LiveModel.FeatureAct> fs = got.get(t).features();
            assertFalse(fs.isEmpty(), "ReLU MLP: some neuron fires at token " + t);
            for (int r = 0; r < fs.size(); r++) {
                assertEquals(sorted[m - 1 - r], fs.get(r).activation(), 0f, "rank " + r + " at token " + t);
                assertEquals(acts[row + fs.get(r).feature()], fs.get(r).activation(), 0f);
            }
        }
    }

    @Test void savedBaselineEncodesAsTheInMemoryOne() {
        String text = "int x = 1;";
        float[] acts = hookRows(text);
        int n = acts.length / EngineStores.D_MLP;
        float[] codes = EngineStores.random().encode(new Tensor(acts, n, EngineStores.D_MLP)).data();
        List<LiveModel.TokenFeatures> got = live.topFeatures("random", text, 1);
        for (int t = 0; t < got.size(); t++) {
            int row = (t + 1) * EngineStores.RANDOM, best = 0;
            for (int i = 1; i < EngineStores.RANDOM; i++) if (codes[row + i] > codes[row + best]) best = i;
            assertEquals(best, got.get(t).features().getFirst().feature());
            assertEquals(codes[row + best], got.get(t).features().getFirst().activation(), 0f);
        }
    }

    @Test void topKeepsTheKLargestPositiveValuesLargestFirst() {
        float[] codes = {9, 0.5f, -1, 2, 0, 2, 3};
        assertEquals(List.of(new LiveModel.FeatureAct(5, 3), new LiveModel.FeatureAct(2, 2)), EngineLiveModel.top(codes, 1, 6, 2));
        assertEquals(List.of(new LiveModel.FeatureAct(5, 3), new LiveModel.FeatureAct(2, 2), new LiveModel.FeatureAct(4, 2), new LiveModel.FeatureAct(0, 0.5f)),
                EngineLiveModel.top(codes, 1, 6, 10));
        assertEquals(List.of(), EngineLiveModel.top(new float[] {0, -1}, 0, 2, 3));
    }

    @Test void badInputsAreOneLineConfigErrors() {
        ConfigException e = assertThrows(ConfigException.class, () -> live.topFeatures("resid", "x", 1));
        assertTrue(e.getMessage().contains("neurons, random"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> live.topFeatures("neurons", "x ".repeat(400), 1));
        assertTrue(e.getMessage().contains("context is 128"), e.getMessage());
    }

    @Test void storeWithoutUsableDictionariesIsRefused() {
        Path db = dir.resolve("none.db");
        try (FeatureStore s = FeatureStore.open(db)) {
            long m = s.putModel(dev.loupe.store.ModelInfo.of("x", "GPT2LMHeadModel", "x"));
            s.putDictionary(dev.loupe.store.DictionaryInfo.of("sae", m, EngineStores.HOOK, "standard", 512, 1024));
        }
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            ConfigException e = assertThrows(ConfigException.class, () -> EngineLiveModel.load(EngineStores.MODEL, null, s, null));
            assertTrue(e.getMessage().contains("none of the store's dictionaries"), e.getMessage());
        }
    }

    @Test void linearDictionaryFileRoundTrips() {
        LinearDictionary d = EngineStores.random().withTopK(3);
        Path f = dir.resolve("rt.safetensors");
        d.save(f);
        LinearDictionary back = LinearDictionary.read(f);
        assertEquals(d.kind(), back.kind());
        float[] x = new float[2 * EngineStores.D_MLP];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        assertArrayEquals(d.encode(new Tensor(x, 2, EngineStores.D_MLP)).data(), back.encode(new Tensor(x.clone(), 2, EngineStores.D_MLP)).data());
        assertArrayEquals(d.direction(5), back.direction(5));
    }

    @Test void steeringChangesTheCompletionAndTheBaselineIsPlainGreedy() {
        String prompt = "public static";
        int[] ids = tok.encode(prompt, true);
        int[] plain = dev.loupe.model.Generator.generate(model, ids, 12, dev.loupe.model.Sampling.greedyDecoding(), tok.eosId().orElse(-1), true);
        LiveModel.Steered r = live.steer("neurons", prompt, List.of(new LiveModel.Steer(STEER_NEURON, 40)), 12);
        assertEquals(tok.decode(plain, true), r.unsteered());
        assertNotEquals(r.unsteered(), r.steered());
        assertEquals(r.unsteered(), live.steer("neurons", prompt, List.of(new LiveModel.Steer(STEER_NEURON, 40)), 12).unsteered());
    }

    /** A neuron the steering test clamps high (any neuron does; a large clamp changes greedy text). */
    static final int STEER_NEURON = 3;
}
