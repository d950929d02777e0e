// Test helpers: a small hand-made analysis whose every value is known, written into a store.
package dev.loupe.store;

import java.nio.file.Path;
import java.util.List;

final class StoreFixtures {
    private StoreFixtures() {}

    /** Model "m" and dictionary `name` with n features on blocks.0.hook_resid_post; returns the dictionary id. */
    static long dictionary(FeatureStore s, String name, int n) {
        long model = s.putModel(ModelInfo.of("m", "GPT2LMHeadModel", "/models/m"));
        return s.putDictionary(DictionaryInfo.of(name, model, "blocks.0.hook_resid_post", "standard", 4, n));
    }

    /**
     * Writes a complete analysis: feature f fires (f + 1) times in 100 000 tokens with mean 0.5 * (f + 1)
     * + shift and max (f + 1) + shift; one top example per feature whose text names the feature
     * ("alpha0", "alpha1", ...) with the shift; feature f's top token is token id 1000 + f.
     */
    static long analysis(FeatureStore s, long dict, int n, double shift) {
        try (AnalysisWriter w = s.beginAnalysis(dict, "{\"test\":true}")) {
            for (int f = 0; f < n; f++) writeFeature(w, f, shift);
            w.commit();
            return w.runId();
        }
    }

    static void writeFeature(AnalysisWriter w, int f, double shift) {
        w.feature(new FeatureStats(f, f + 1, 100_000, 0.5 * (f + 1) + shift, (f + 1) + shift));
        w.example(f, new Example(Example.Kind.TOP, 0, 0, 7, 3, new int[] {1, 1000 + f, 2},
                new String[] {"the ", "alpha" + f, " shift" + (int) shift}, new float[] {0f, (float) ((f + 1) + shift), 0.25f}));
        w.tokenStats(f, List.of(new TokenStat(1000 + f, "alpha" + f, f + 1, (f + 1) + shift), new TokenStat(999, "common", 1, 0.1 * (f + 1))));
    }

    static Path db(Path dir) { return dir.resolve("loupe.db"); }
}
