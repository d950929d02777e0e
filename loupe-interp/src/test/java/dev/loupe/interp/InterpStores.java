package dev.loupe.interp;

import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.Example;
import dev.loupe.store.FeatureStats;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.ModelInfo;
import dev.loupe.store.TokenStat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hand-made feature stores for pipeline tests. Every dictionary has three features over 16-token
 * windows of filler words (" the", " cat" … never a trigger):
 * <ul>
 *   <li>0 — fires 5.0 on " red" and nowhere else; 24 top windows, 20 random windows each holding
 *       one " red": the rule "the token red" predicts it perfectly, so both scores are exactly 1;</li>
 *   <li>1 — only 5 non-trivial top windows: skipped ("only 5 non-trivial top excerpts (need 20)");</li>
 *   <li>2 — fires 5.0 on " blue" in 24 top windows; its 20 random windows hold no " blue", only
 *       one " x" with activation 0.5, so the explanation simulates all zeros there: random-only is
 *       undefined (constant simulation), top-and-random is defined.</li>
 * </ul>
 */
public final class InterpStores {
    public static final int LEN = 16, TOP = 24, RANDOM = 20;
    static final String[] FILLER = {" the", " cat", " sat", " on", " mat", " and", " dog", " ran", " to", " a"};

    private InterpStores() {}

    /** Writes model "m", the dictionary and its analysis; returns the dictionary id. */
    public static long write(FeatureStore s, String name, String kind) {
        long model = s.putModel(ModelInfo.of("m", "GPT2LMHeadModel", "/models/m"));
        long d = s.putDictionary(DictionaryInfo.of(name, model, "blocks.0.hook_resid_post", kind, 8, 3));
        SplittableRandom rng = new SplittableRandom(name.hashCode());
        try (AnalysisWriter w = s.beginAnalysis(d, "{}")) {
            for (int f = 0; f < 3; f++) w.feature(new FeatureStats(f, 100, 10_000, 2.0, 5.0));
            for (int k = 0; k < TOP; k++) {
                w.example(0, window(Example.Kind.TOP, k, rng, " red", 5f));
                if (k < 5) w.example(1, window(Example.Kind.TOP, k, rng, " green", 5f));
                else w.example(1, window(Example.Kind.TOP, k, rng, null, 0f));
                w.example(2, window(Example.Kind.TOP, k, rng, " blue", 5f));
            }
            for (int k = 0; k < RANDOM; k++) {
                w.example(0, window(Example.Kind.RANDOM, k, rng, " red", 5f));
                w.example(1, window(Example.Kind.RANDOM, k, rng, " x", 0.5f));
                w.example(2, window(Example.Kind.RANDOM, k, rng, " x", 0.5f));
            }
            w.tokenStats(0, List.of(new TokenStat(7, " red", 44, 5.0)));
            w.tokenStats(2, List.of(new TokenStat(8, " blue", 24, 5.0), new TokenStat(9, " x", 20, 0.5)));
            w.commit();
        }
        return d;
    }

    /** A window of filler with {@code trigger} (when not null) at a position in 3..LEN-1 carrying {@code act}. */
    static Example window(Example.Kind kind, int rank, SplittableRandom rng, String trigger, float act) {
        String[] t = new String[LEN];
        int[] ids = new int[LEN];
        float[] a = new float[LEN];
        for (int i = 0; i < LEN; i++) {
            int w = rng.nextInt(FILLER.length);
            t[i] = FILLER[w];
            ids[i] = 100 + w;
        }
        if (trigger != null) {
            int p = 3 + rng.nextInt(LEN - 3);
            t[p] = trigger;
            ids[p] = 200;
            a[p] = act;
        }
        return new Example(kind, 0, rank, rank, rank * LEN, ids, t, a);
    }
}
