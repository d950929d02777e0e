// Test support for the engine-backed live model: the committed models/loupe-1l, and a store naming
// it with three dictionaries at blocks.0.mlp.hook_post: "neurons" (no file: the neuron basis),
// "random" (a saved LinearDictionary of 64 random directions, path relative to the store's folder)
// and "resid" at a hook whose width (128) is not the dictionary's (512), which load() must skip.
// Every feature of "neurons" and "random" gets a published FeatureStats row so its page opens.
package dev.loupe.server;

import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.LinearDictionary;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureStats;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.ModelInfo;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;

import java.nio.file.Path;

final class EngineStores {
    static final Path MODEL = Path.of("..", "models", "loupe-1l");
    static final String HOOK = "blocks.0.mlp.hook_post";
    static final int D_MLP = 512, RANDOM = 64;
    static final long SEED = 7;

    private EngineStores() {}

    static Transformer model() { return ModelLoader.load(MODEL); }

    static Tokenizer tokenizer() { return Tokenizers.load(ModelLoader.tokenizerNextTo(MODEL)); }

    static LinearDictionary random() { return Baselines.randomDirections(D_MLP, RANDOM, SEED); }

    /** Writes dir/engine.db (and dir/random.safetensors) and returns the store's path. */
    static Path write(Path dir) {
        random().save(dir.resolve("random.safetensors"));
        Path db = dir.resolve("engine.db");
        try (FeatureStore s = FeatureStore.open(db)) {
            long m = s.putModel(ModelInfo.of("loupe-1l", "GPT2LMHeadModel", MODEL.toString()));
            long neurons = s.putDictionary(DictionaryInfo.of("neurons", m, HOOK, "neurons", D_MLP, D_MLP));
            long random = s.putDictionary(DictionaryInfo.of("random", m, HOOK, "random", D_MLP, RANDOM).withPath("random.safetensors"));
            s.putDictionary(DictionaryInfo.of("resid", m, "blocks.0.hook_resid_post", "neurons", D_MLP, D_MLP));
            publish(s, neurons, D_MLP);
            publish(s, random, RANDOM);
        }
        return db;
    }

    private static void publish(FeatureStore s, long dict, int n) {
        try (AnalysisWriter w = s.beginAnalysis(dict, "{}")) {
            for (int f = 0; f < n; f++) w.feature(new FeatureStats(f, 1, 1000, 1, 1));
            w.commit();
        }
    }
}
