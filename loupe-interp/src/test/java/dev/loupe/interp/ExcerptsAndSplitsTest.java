package dev.loupe.interp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExcerptsAndSplitsTest {
    static ActivationRecord doc(int n, long id, float base) {
        String[] t = new String[n];
        float[] a = new float[n];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) { t[i] = "w" + i; a[i] = base + i; ids[i] = i; }
        return new ActivationRecord(t, a, ids, id);
    }

    /** An excerpt whose only non-zero activation is {@code peak} at position 1. */
    static ActivationRecord peak(float peak, String tag) {
        return new ActivationRecord(new String[] {tag, "x", "y"}, new float[] {0, peak, 0});
    }

    @Test void recordsAndConfigsValidate() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ActivationRecord(new String[] {"a", "b"}, new float[] {1}))
                .getMessage().contains("2 tokens but 1 activations"));
        assertThrows(IllegalArgumentException.class, () -> new ActivationRecord(new String[] {"a"}, new float[] {Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> new ActivationRecord(new String[] {"a"}, new float[] {1}, new int[] {1, 2}, 0));
        assertThrows(IllegalArgumentException.class, () -> new FeatureRecords(1, null, List.of()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SplitConfig(5, 5, 5, 10, 9)).getMessage().contains("minNonTrivial"));
        assertThrows(IllegalArgumentException.class, () -> new SplitConfig(0, 5, 5, 10, 20));
        assertThrows(IllegalArgumentException.class, () -> Excerpts.cut(doc(10, 1, 0), 0));
        assertTrue(Excerpts.cut(doc(10, 1, 0), 64).isEmpty());
    }

    @Test void cutNeverCrossesDocumentsAndDropsShortTails() {
        List<ActivationRecord> ex = Excerpts.cutAll(List.of(doc(150, 1, 0), doc(70, 2, 0)), 64);
        assertEquals(3, ex.size());  // 2 from the first document, 1 from the second, tails dropped
        assertEquals("w64", ex.get(1).tokens()[0]);
        assertEquals(64f, ex.get(1).activations()[0]);
        assertEquals(127, ex.get(1).tokenIds()[63]);
        assertEquals(2, ex.get(2).documentId());
        assertEquals("w0", ex.get(2).tokens()[0]);
        for (ActivationRecord r : ex) assertEquals(64, r.length());
    }

    @Test void topSortsByMaxAndSkipsTrivial() {
        List<ActivationRecord> c = List.of(peak(1, "a"), peak(0, "z"), peak(3, "b"), peak(2, "c"));
        List<ActivationRecord> top = Excerpts.top(c, 10);
        assertEquals(List.of("b", "c", "a"), top.stream().map(r -> r.tokens()[0]).toList());
    }

    @Test void randomDrawsOnlyVaryingExcerptsUniformly() {
        List<ActivationRecord> c = new ArrayList<>();
        for (int i = 0; i < 4; i++) c.add(peak(1, "v" + i));
        c.add(new ActivationRecord(new String[] {"flat", "x"}, new float[] {0.5f, 0.5f}));
        int[] counts = new int[4];
        for (long seed = 0; seed < 4000; seed++) {
            List<ActivationRecord> r = Excerpts.randomWithVariance(c, 2, seed);
            assertEquals(2, r.size());
            for (ActivationRecord x : r) {
                assertNotEquals("flat", x.tokens()[0]);
                counts[x.tokens()[0].charAt(1) - '0']++;
            }
        }
        for (int k : counts) assertEquals(2000, k, 150);  // each of 4 drawn with probability 1/2
        assertEquals(Excerpts.randomWithVariance(c, 2, 9), Excerpts.randomWithVariance(c, 2, 9));
    }

    static FeatureRecords feature(int nTop, int nRandom) {
        List<ActivationRecord> top = new ArrayList<>(), random = new ArrayList<>();
        for (int i = 0; i < nTop; i++) top.add(peak(100 - i, "top" + i));
        for (int i = 0; i < nRandom; i++) random.add(peak(0.5f, "rnd" + i));
        random.add(1, new ActivationRecord(new String[] {"flat"}, new float[] {0}));
        return new FeatureRecords(7, top, random, 100, Map.of());
    }

    @Test void splitsInterleaveTopAndKeepScoringSetsDisjoint() {
        FeatureSplits s = FeatureSplits.of(feature(25, 20), SplitConfig.defaults());
        FeatureSplits.Ready r = assertInstanceOf(FeatureSplits.Ready.class, s);
        assertEquals(List.of("top0", "top2", "top4", "top6", "top8"), r.explain().stream().map(x -> x.tokens()[0]).toList());
        assertEquals(List.of("top1", "top3", "top5", "top7", "top9", "rnd0", "rnd1", "rnd2", "rnd3", "rnd4"),
                r.topAndRandom().stream().map(x -> x.tokens()[0]).toList());
        assertEquals(10, r.randomOnly().size());
        assertEquals(List.of("top10", "top11", "top12", "top13", "top14", "rnd15", "rnd16", "rnd17", "rnd18", "rnd19"),
                r.calibration().stream().map(x -> x.tokens()[0]).toList());
        Set<ActivationRecord> seen = new HashSet<>(r.topAndRandom());
        for (ActivationRecord x : r.randomOnly()) assertTrue(seen.add(x));
        for (ActivationRecord x : r.explain()) assertTrue(seen.add(x));
        for (ActivationRecord x : r.calibration()) assertTrue(seen.add(x));
    }

    @Test void fewerThanTwentyNonTrivialIsSkippedWithReason() {
        FeatureSplits s = FeatureSplits.of(feature(19, 20), SplitConfig.defaults());
        FeatureSplits.Skipped k = assertInstanceOf(FeatureSplits.Skipped.class, s);
        assertTrue(k.reason().contains("19 non-trivial"), k.reason());
        assertInstanceOf(FeatureSplits.Skipped.class, FeatureSplits.of(feature(25, 3), SplitConfig.defaults()));
    }

    @Test void autoInterpRecordsSkipsFailuresAndScores() {
        Explainer ex = new Explainer() {
            public Explanation explain(List<ActivationRecord> recs, Map<String, Double> lut) {
                for (ActivationRecord r : recs) assertTrue(r.tokens()[0].startsWith("top"));  // only explanation records
                return Explanation.ofText("the token x");
            }
            public String name() { return "fake"; }
        };
        // predicts 10 on "x": matches every peak exactly (peaks are on "x")
        SimulatorFactory sims = e -> tokens -> {
            double[] v = new double[tokens.length];
            for (int i = 0; i < v.length; i++) v[i] = tokens[i].equals("x") ? 10 : 0;
            return v;
        };
        AutoInterp ai = new AutoInterp(ex, sims, SplitConfig.defaults());
        List<FeatureResult> res = ai.runAll(List.of(feature(25, 20), feature(3, 20)), 2);
        assertEquals(FeatureResult.Status.DONE, res.get(0).status());
        assertEquals(FeatureResult.Status.SKIPPED, res.get(1).status());
        assertTrue(res.get(0).topAndRandomScore().defined());
        assertTrue(res.get(0).topAndRandomScore().value() > 0.5);

        SimulatorFactory failing = e -> tokens -> { throw new InterpFailure("server said no"); };
        FeatureResult f = new AutoInterp(ex, failing, SplitConfig.defaults()).run(feature(25, 20));
        assertEquals(FeatureResult.Status.FAILED, f.status());
        assertTrue(f.reason().endsWith("server said no"), f.reason());
        // a broken machine form or an unexpected exception fails that feature only, and progress sees every result
        SimulatorFactory broken = e -> { throw new IllegalStateException("boom"); };
        List<FeatureResult> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<FeatureResult> mixed = new AutoInterp(ex, broken, SplitConfig.defaults()).runAll(List.of(feature(25, 20), feature(3, 20)), 1, seen::add);
        assertEquals(FeatureResult.Status.FAILED, mixed.get(0).status());
        assertTrue(mixed.get(0).reason().contains("boom"), mixed.get(0).reason());
        assertEquals(FeatureResult.Status.SKIPPED, mixed.get(1).status());
        assertEquals(2, seen.size());
        FeatureResult badJson = new AutoInterp(ex, dev.loupe.interp.builtin.RuleSimulator.factory(), SplitConfig.defaults())
                .score(feature(25, 20), new Explanation("x", "{not json", "test"));
        assertEquals(FeatureResult.Status.FAILED, badJson.status());
        assertTrue(badJson.reason().contains("malformed"), badJson.reason());
        AutoInterp.Summary sum = AutoInterp.summarise(List.of(res.get(0), res.get(1), f), 100, 1);
        assertEquals(1, sum.done());
        assertEquals(1, sum.skipped());
        assertEquals(1, sum.failed());
    }
}
