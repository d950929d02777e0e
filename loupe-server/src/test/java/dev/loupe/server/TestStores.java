// Test support: writes small feature stores whose every value is known, through the store's public
// writer API. Dictionary "sae" (n features) and "sae-big" (2n features) on model "m":
//   feature f fires f+1 times in 1 000 000 tokens, mean act 0.5(f+1), max act (f+1);
//   its top example is tokens ["the ", "tok<f>", " end"] with acts [0, f+1, (f+1)/4];
//   one quantile example (group 1) ["low", "tok<f>"] with acts [0, (f+1)/2];
//   histogram "activation" with edges [0, 1, 2] and counts [f, 1]; direct logits +: "up<f>" 2.5, -: "down<f>" -1.5;
//   ablation logits +: "abl<f>" 0.75; token stats tok<f>; range bin 0: "tok<f>" x3;
//   nearest neighbour in "sae": (f+1) mod n with cosine 0.5; splitting child in "sae-big": 2f with cosine 0.9.
// Features divisible by 10 in "sae" have an explanation "explains alpha<f>" with top_and_random score f/n.
// Feature HOSTILE carries hostile token strings, example text and explanation (for the XSS test).
package dev.loupe.server;

import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.Example;
import dev.loupe.store.Explanation;
import dev.loupe.store.FeatureStats;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.Histogram;
import dev.loupe.store.LogitEntry;
import dev.loupe.store.LogitTable;
import dev.loupe.store.ModelInfo;
import dev.loupe.store.Neighbour;
import dev.loupe.store.Score;
import dev.loupe.store.TokenStat;

import java.nio.file.Path;
import java.util.List;

final class TestStores {
    static final int HOSTILE = 7;
    static final String IMG = "<img src=x onerror=window.__xss=1>";
    static final String SCRIPT = "</script><script>window.__xss=1</script>";
    static final long TOKENS = 1_000_000;

    private TestStores() {}

    /** Writes the store at dir/loupe.db with n features in "sae" and returns its path. */
    static Path write(Path dir, int n) {
        Path db = dir.resolve("loupe.db");
        try (FeatureStore s = FeatureStore.open(db)) {
            long model = s.putModel(ModelInfo.of("m", "GPT2LMHeadModel", "/models/m"));
            long sae = s.putDictionary(DictionaryInfo.of("sae", model, "blocks.0.mlp.hook_post", "standard", 16, n)
                    .withEval("{\"l0\": 12.5, \"fvu\": 0.125, \"ce_recovered\": 0.875, \"dead_fraction\": 0.0}"));
            long big = s.putDictionary(DictionaryInfo.of("sae-big", model, "blocks.0.mlp.hook_post", "standard", 16, 2 * n));
            s.putDictionary(DictionaryInfo.of("empty", model, "blocks.0.mlp.hook_post", "neurons", 16, 16));
            try (AnalysisWriter w = s.beginAnalysis(big, "{}")) {
                for (int f = 0; f < 2 * n; f++) feature(w, f, 2 * n, big, -1, 0);
                w.commit();
            }
            try (AnalysisWriter w = s.beginAnalysis(sae, "{}")) {
                for (int f = 0; f < n; f++) feature(w, f, n, sae, big, 2 * f);
                w.commit();
            }
            for (int f = 0; f < n; f += 10)
                if (f != HOSTILE)
                    s.addExplanation(Explanation.of(sae, f, "explains alpha" + f, "bills-top-activations", "stat",
                            List.of(new Score("top_and_random", "stat", (double) f / n))));
            s.addExplanation(Explanation.of(sae, HOSTILE, "hostile " + IMG + " " + SCRIPT, "bills-top-activations", "stat",
                    List.of(new Score("top_and_random", "stat", 0.5))));
        }
        return db;
    }

    static float max(int f) { return f + 1; }

    private static void feature(AnalysisWriter w, int f, int n, long self, long child, int childFeature) {
        w.feature(new FeatureStats(f, f + 1, TOKENS, 0.5 * (f + 1), f + 1));
        String tok = f == HOSTILE && child >= 0 ? IMG : "tok" + f;
        String end = f == HOSTILE && child >= 0 ? SCRIPT : " end";
        w.example(f, new Example(Example.Kind.TOP, 0, 0, 3, 5, new int[] {1, 1000 + f, 2},
                new String[] {"the ", tok, end}, new float[] {0f, max(f), max(f) / 4}));
        w.example(f, new Example(Example.Kind.QUANTILE, 1, 0, 4, 9, new int[] {3, 1000 + f},
                new String[] {"low", tok}, new float[] {0f, max(f) / 2}));
        w.histogram(f, "activation", new Histogram(new float[] {0, 1, 2}, new long[] {f, 1}));
        w.logits(f, new LogitTable(LogitTable.Kind.DIRECT, List.of(new LogitEntry(5, "up" + f, 2.5f)), List.of(new LogitEntry(6, "down" + f, -1.5f))));
        w.logits(f, new LogitTable(LogitTable.Kind.ABLATION, List.of(new LogitEntry(7, "abl" + f, 0.75f)), List.of()));
        w.tokenStats(f, List.of(new TokenStat(1000 + f, tok, f + 1, max(f))));
        w.rangeTokens(f, 0, List.of(new TokenStat(1000 + f, tok, 3, Double.NaN)));
        w.neighbours(f, self, List.of(new Neighbour(self, (f + 1) % n, 0.5f)));
        if (child >= 0) w.neighbours(f, child, List.of(new Neighbour(child, childFeature, 0.9f)));
    }

    /** Writes a store with n features for manual runs and the load check: TestStores DIR N. */
    public static void main(String[] args) {
        System.out.println(write(Path.of(args[0]), Integer.parseInt(args[1])));
    }
}
