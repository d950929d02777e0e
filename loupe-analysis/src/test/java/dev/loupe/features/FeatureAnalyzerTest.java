// Planted features on loupe-1l's token embedding (hook_embed = W_E[token]): feature k of a hand-built
// SAE is ReLU(x . e_k - t_k) with e_k the unit embedding of a token A_k and t_k between A_k's
// projection and every other token's, so it fires exactly on A_k with a known activation. The
// analysis must recover A_k as top token everywhere (token table, top / quantile / random
// examples, activation ranges), count every occurrence, flag the dead feature, and its direct
// logit table must match the decoder direction put through ln_final.w and W_U by hand.
package dev.loupe.features;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.model.Transformer;
import dev.loupe.sae.Sae;
import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.Example;
import dev.loupe.store.FeatureDetail;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.Histogram;
import dev.loupe.store.LogitTable;
import dev.loupe.store.TokenStat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FeatureAnalyzerTest {
    static final int SEQ = 128, WINDOWS = 40;   // more than one batch
    static Transformer model;
    static int[] planted = new int[2];
    static float[] act = new float[2];
    static float[][] dirs;

    @TempDir Path dir;

    @BeforeAll
    static void plant() {
        model = Planted.model();
        int D = model.config().dModel(), V = model.config().vocab();
        float[] we = model.weights().get("embed.W_E").data();
        dirs = new float[3][];
        float[] thresholds = new float[3];
        int found = 0;
        for (int a = 50; found < 2 && a < V; a++) {
            double norm = 0;
            for (int j = 0; j < D; j++) norm += (double) we[a * D + j] * we[a * D + j];
            norm = Math.sqrt(norm);
            double best = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < V; t++) {
                if (t == a) continue;
                double p = 0;
                for (int j = 0; j < D; j++) p += we[a * D + j] * we[t * D + j];
                best = Math.max(best, p / norm);
            }
            if (norm - best < 0.2 * norm) continue;          // want a clear margin
            float[] e = new float[D];
            for (int j = 0; j < D; j++) e[j] = (float) (we[a * D + j] / norm);
            dirs[found] = e;
            thresholds[found] = (float) ((norm + best) / 2);
            act[found] = (float) (norm - thresholds[found]);
            planted[found++] = a;
        }
        assertEquals(2, found, "loupe-1l has tokens with a clear embedding margin");
        dirs[2] = Planted.unit(D, 0);
        thresholds[2] = 1e9f;                                // never fires
        sae = Planted.sae(D, dirs, thresholds);
    }

    static Sae sae;

    private static List<TokenWindows.Window> windows() {
        List<TokenWindows.Window> ws = Planted.randomWindows(WINDOWS, SEQ, model.config().vocab(), 7);
        for (int w = 0; w < WINDOWS; w++) {
            ws.get(w).tokens()[10 + w] = planted[0];
            if (w < 4) ws.get(w).tokens()[100] = planted[1];
        }
        return ws;
    }

    @Test
    void recoversPlantedTokensEverywhere() {
        List<TokenWindows.Window> ws = windows();
        AnalysisOptions o = new AnalysisOptions(5, 2, 2, 3, 16, 8, 5, 2, true, 1);
        Path db = dir.resolve("s.db");
        AnalysisSummary sum;
        try (FeatureStore s = FeatureStore.open(db); AnalysisWriter w = Planted.begin(s, "planted", "hook_embed", sae.dIn(), 3)) {
            sum = FeatureAnalyzer.analyze(model, Planted.tokenizer(), "hook_embed", sae, ws.iterator(), o, w, null);
            w.commit();
        }
        assertEquals((long) WINDOWS * SEQ, sum.tokens());
        assertEquals(1, sum.deadFeatures());
        assertEquals("direct-path", sum.ablation());
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            long d = s.requireDictionary("planted").id();
            for (int k = 0; k < 2; k++) {
                int a = planted[k];
                long count = 0, windowsWith = 0;
                for (TokenWindows.Window w : ws) {
                    long c = java.util.Arrays.stream(w.tokens()).filter(t -> t == a).count();
                    count += c;
                    if (c > 0) windowsWith++;
                }
                FeatureDetail f = s.feature(d, k).orElseThrow();
                assertEquals(count, f.summary().fireCount(), "fires on every occurrence of the planted token and nowhere else");
                assertEquals(act[k], f.summary().maxAct(), 1e-4);
                assertEquals(act[k], f.summary().meanAct(), 1e-4);
                TokenStat top = f.tokens().getFirst();
                assertEquals(List.of(a), f.tokens().stream().map(TokenStat::tokenId).toList(), "token table is the planted token alone");
                assertEquals(count, top.count());
                assertEquals(act[k], top.meanAct(), 1e-4, "mean over every occurrence");
                assertEquals(Math.min(o.topK(), windowsWith), f.topExamples().size());
                assertEquals(Math.min(4, windowsWith), f.quantileExamples().size());
                assertEquals(3, f.randomExamples().size());
                for (Example e : concat(f.topExamples(), f.quantileExamples(), f.randomExamples())) {
                    assertTrue(e.tokenIds().length == 16);
                    for (int j = 0; j < 16; j++)
                        assertEquals(e.tokenIds()[j] == a ? act[k] : 0f, e.acts()[j], 1e-4, "per-token activations kept, " + e.kind());
                }
                for (Example e : concat(f.topExamples(), f.quantileExamples(), List.of()))
                    assertTrue(java.util.Arrays.stream(e.tokenIds()).anyMatch(t -> t == a), "examples contain the planted token");
                Histogram h = f.histograms().get("activation");
                assertEquals(count, java.util.Arrays.stream(h.counts()).sum());
                assertTrue(h.edges()[0] <= act[k] && act[k] < h.edges()[h.edges().length - 1]);
                f.rangeTokens().values().forEach(l -> assertEquals(List.of(a), l.stream().map(TokenStat::tokenId).toList()));
                assertDirectLogits(f, dirs[k]);
                assertEquals(2, f.neighbours().size());
                assertTrue(f.logits().stream().anyMatch(t -> t.kind() == LogitTable.Kind.ABLATION), "ablation table written");
            }
            FeatureDetail deadF = s.feature(d, 2).orElseThrow();
            assertEquals(0, deadF.summary().fireCount());
            assertTrue(deadF.topExamples().isEmpty() && deadF.tokens().isEmpty());
            float cos = 0;
            for (int j = 0; j < dirs[0].length; j++) cos += dirs[0][j] * dirs[1][j];
            FeatureDetail f0 = s.feature(d, 0).orElseThrow();
            int rankOf1 = f0.neighbours().get(0).feature() == 1 ? 0 : 1;
            assertEquals(cos, f0.neighbours().get(rankOf1).cosine(), 1e-5, "decoder cosine to the other planted feature");
        }
    }

    /**
     * hook_embed is before loupe-1l's only block: the ablation samples must come from the W sampled
     * windows alone (feature 0 fires in every window, so sampling the whole corpus would give it the
     * full ABLATION_SAMPLES), each sample's removal is the planted code, and the result is the same
     * for the same seed.
     */
    @Test
    void earlyHookAblationSamplesComeOnlyFromTheSampledWindows() {
        List<TokenWindows.Window> ws = windows();
        AnalysisOptions o = new AnalysisOptions(2, 1, 1, 0, 16, 8, 5, 0, true, 5).withAblationWindows(3);
        AblationWindows expected = new AblationWindows(3, o.seed());
        ws.forEach(expected::offer);
        List<TokenWindows.Window> kept = expected.windows();
        assertEquals(3, kept.size());
        FeatureDetail[] first = analyzeTwice(ws, o, "a"), second = analyzeTwice(ws, o, "b");
        for (int k = 0; k < 2; k++) {
            int a = planted[k];
            long inKept = kept.stream().mapToLong(w -> java.util.Arrays.stream(w.tokens()).filter(t -> t == a).count()).sum();
            long samples = Math.min(FeatureBlock.ABLATION_SAMPLES, inKept);
            assertEquals(samples, first[k].stats().getOrDefault("ablation_samples", 0.0), 0, "feature " + k + ": samples from the 3 windows only");
            if (samples > 0) assertEquals(act[k], first[k].stats().get("ablation_alpha"), 1e-4, "removal = the planted code");
            assertEquals(first[k].stats(), second[k].stats(), "same seed, same samples");
            assertEquals(first[k].logits(), second[k].logits(), "same seed, same ablation table");
        }
        assertTrue(first[0].summary().fireCount() >= WINDOWS && first[0].stats().get("ablation_samples") < FeatureBlock.ABLATION_SAMPLES);
        FeatureDetail[] all = analyzeTwice(ws, o.withAblationWindows(WINDOWS), "c");
        assertEquals(FeatureBlock.ABLATION_SAMPLES, all[1].stats().get("ablation_samples"), 0, "with every window kept, feature 1's 4 firings are all sampled");
    }

    private FeatureDetail[] analyzeTwice(List<TokenWindows.Window> ws, AnalysisOptions o, String name) {
        Path db = dir.resolve(name + ".db");
        try (FeatureStore s = FeatureStore.open(db); AnalysisWriter w = Planted.begin(s, "planted", "hook_embed", sae.dIn(), 3)) {
            AnalysisSummary sum = FeatureAnalyzer.analyze(model, Planted.tokenizer(), "hook_embed", sae, ws.iterator(), o, w, null);
            w.commit();
            assertEquals(Math.min(o.ablationWindows(), WINDOWS), sum.ablationWindows());
        }
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            long d = s.requireDictionary("planted").id();
            return new FeatureDetail[] {s.feature(d, 0).orElseThrow(), s.feature(d, 1).orElseThrow()};
        }
    }

    @SafeVarargs
    private static List<Example> concat(List<Example>... ls) {
        return java.util.Arrays.stream(ls).flatMap(List::stream).toList();
    }

    /** Decoder direction, centred, times ln_final.w, times the tied unembedding W_E^T: the top token and its value. */
    private static void assertDirectLogits(FeatureDetail f, float[] e) {
        int D = e.length, V = model.config().vocab();
        float[] we = model.weights().get("embed.W_E").data(), w = model.weights().get("ln_final.w").data();
        double mean = 0;
        for (float v : e) mean += v;
        mean /= D;
        int best = -1;
        double bestVal = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < V; t++) {
            double l = 0;
            for (int j = 0; j < D; j++) l += (e[j] - mean) * w[j] * we[t * D + j];
            if (l > bestVal) { bestVal = l; best = t; }
        }
        LogitTable direct = f.logits().stream().filter(t -> t.kind() == LogitTable.Kind.DIRECT).findFirst().orElseThrow();
        assertEquals(best, direct.positive().getFirst().tokenId());
        assertEquals(bestVal, direct.positive().getFirst().value(), 1e-4 * Math.abs(bestVal));
    }
}
