// Round trips through the feature store: catalog, a complete analysis, explanations, probes,
// search, per-token lookup, dictionary comparison; values checked against what was written.
package dev.loupe.store;

import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class FeatureStoreTest {
    @TempDir Path dir;

    @Test
    void newStoreIsWalAtLatestSchemaAndReopensWithoutRemigrating() throws Exception {
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            assertEquals(Migrations.LATEST, s.schemaVersion());
            try (Statement st = s.connection().createStatement(); ResultSet r = st.executeQuery("PRAGMA journal_mode")) {
                r.next();
                assertEquals("wal", r.getString(1));
            }
        }
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            assertEquals(Migrations.LATEST, s.longQuery("SELECT count(*) FROM schema_version"));
        }
    }

    @Test
    void catalogUpsertsByNameAndRefusesIncompatibleRedefinition() {
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            long d = StoreFixtures.dictionary(s, "sae-a", 8);
            assertEquals(d, StoreFixtures.dictionary(s, "sae-a", 8));
            assertEquals(1, s.models().size());
            s.setEvalMetrics(d, "{\"fvu\":0.1}");
            assertEquals("{\"fvu\":0.1}", s.dictionary("sae-a").orElseThrow().evalJson());
            long model = s.models().getFirst().id();
            ConfigException e = assertThrows(ConfigException.class,
                    () -> s.putDictionary(DictionaryInfo.of("sae-a", model, "blocks.0.hook_resid_post", "standard", 4, 16)));
            assertTrue(e.getMessage().contains("another name"), e.getMessage());
            assertThrows(ConfigException.class, () -> s.putDictionary(DictionaryInfo.of("x", 42, "h", "standard", 4, 4)));
            assertEquals(d, s.requireDictionary("sae-a").id());
            ConfigException missing = assertThrows(ConfigException.class, () -> s.requireDictionary("sae-z"));
            assertTrue(missing.getMessage().contains("'sae-z'") && missing.getMessage().contains("it has sae-a"), missing.getMessage());
        }
    }

    @Test
    void featureDetailReturnsEverythingWritten() throws Exception {
        Path db = StoreFixtures.db(dir);
        long d, other;
        try (FeatureStore s = FeatureStore.open(db)) {
            d = StoreFixtures.dictionary(s, "sae-a", 3);
            other = StoreFixtures.dictionary(s, "sae-b", 6);
            try (AnalysisWriter w = s.beginAnalysis(d, "{}")) {
                for (int f = 0; f < 3; f++) StoreFixtures.writeFeature(w, f, 0);
                w.stat(1, "skewness", 2.5);
                w.histogram(1, "activation", new Histogram(new float[] {0.1f, 1f, 10f}, new long[] {5, 7}));
                w.example(1, new Example(Example.Kind.QUANTILE, 2, 0, 9, 40, new int[] {5, 6, 7, 8},
                        new String[] {"", "\uD83D\uDE42", "é\n", " x"}, new float[] {0.5f, 0.75f, 0f, -1f}));
                w.example(1, new Example(Example.Kind.QUANTILE, 3, 0, 9, 40, new int[] {5, 6, 7, 8},   // same window, stored sparse
                        new String[] {"", "\uD83D\uDE42", "é\n", " x"}, new float[] {0f, 0f, 4.5f, 0f}));
                w.logits(1, new LogitTable(LogitTable.Kind.DIRECT, List.of(new LogitEntry(11, "up", 3.5f)), List.of(new LogitEntry(12, "down", -2f))));
                w.logits(1, new LogitTable(LogitTable.Kind.ABLATION, List.of(), List.of(new LogitEntry(13, "gone", -0.5f))));
                w.rangeTokens(1, 0, List.of(new TokenStat(101, "alpha1", 4, 0)));
                w.neighbours(1, d, List.of(new Neighbour(d, 2, 0.8f), new Neighbour(d, 0, 0.3f)));
                w.neighbours(1, other, List.of(new Neighbour(other, 4, 0.95f)));
                w.commit();
            }
            long e = s.addExplanation(Explanation.of(d, 1, "the word alpha in lists", "bills-top-activations", "gpt-x",
                    List.of(new Score("top_and_random", "sim", 0.6))));
            s.addScore(e, new Score("random_only", "sim", 0.2));
            s.addProbeResult(new ProbeResult(0, "greek letters", s.models().getFirst().id(), "blocks.0.hook_resid_post", d,
                    ProbeResult.UnitKind.FEATURE, "greedy-swap", new int[] {1}, new float[] {1.5f}, Map.of("f1", 0.9), "{}"));
        }
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            FeatureDetail fd = s.feature(d, 1).orElseThrow();
            assertEquals(2, fd.summary().fireCount());
            assertEquals(2e-5, fd.summary().density(), 1e-18);
            assertEquals(1.0, fd.summary().meanAct(), 0);
            assertEquals(2.0, fd.summary().maxAct(), 0);
            assertEquals(Map.of("skewness", 2.5), fd.stats());
            Histogram h = fd.histograms().get("activation");
            assertArrayEquals(new float[] {0.1f, 1f, 10f}, h.edges());
            assertArrayEquals(new long[] {5, 7}, h.counts());
            assertEquals(1, fd.topExamples().size());
            Example top = fd.topExamples().getFirst();
            assertArrayEquals(new int[] {1, 1001, 2}, top.tokenIds());
            assertArrayEquals(new String[] {"the ", "alpha1", " shift0"}, top.tokens());
            assertArrayEquals(new float[] {0f, 2f, 0.25f}, top.acts());
            assertEquals(7, top.docId());
            assertEquals(3, top.position());
            Example q = fd.quantileExamples().getFirst();
            assertEquals(2, q.group());
            assertArrayEquals(new float[] {0.5f, 0.75f, 0f, -1f}, q.acts());
            Example sparse = fd.quantileExamples().get(1);
            assertEquals(3, sparse.group());
            assertArrayEquals(new float[] {0f, 0f, 4.5f, 0f}, sparse.acts());
            assertArrayEquals(q.tokens(), sparse.tokens());
            assertEquals(1, s.longQuery("SELECT count(DISTINCT excerpt_id) FROM examples WHERE feature = 1 AND kind = 'quantile'"), "one stored window");
            assertArrayEquals(new String[] {"", "\uD83D\uDE42", "é\n", " x"}, q.tokens(), "token boundaries survive empty, surrogate-pair and newline tokens");
            assertEquals(2, fd.logits().size());
            LogitTable direct = fd.logits().getFirst();
            assertEquals(LogitTable.Kind.DIRECT, direct.kind());
            assertEquals(new LogitEntry(11, "up", 3.5f), direct.positive().getFirst());
            assertEquals(new LogitEntry(12, "down", -2f), direct.negative().getFirst());
            assertEquals(List.of(new LogitEntry(13, "gone", -0.5f)), fd.logits().get(1).negative());
            assertEquals(List.of(new TokenStat(1001, "alpha1", 2, 2.0), new TokenStat(999, "common", 1, 0.2)), fd.tokens());
            assertEquals(101, fd.rangeTokens().get(0).getFirst().tokenId());
            assertEquals(List.of(new Neighbour(d, 2, 0.8f), new Neighbour(d, 0, 0.3f)), fd.neighbours());
            assertEquals(List.of(new Neighbour(other, 4, 0.95f)), fd.matchesOut());
            assertEquals(1, fd.explanations().size());
            Explanation ex = fd.explanations().getFirst();
            assertEquals("the word alpha in lists", ex.text());
            assertEquals(List.of(new Score("random_only", "sim", 0.2), new Score("top_and_random", "sim", 0.6)), ex.scores());
            assertEquals(1, fd.probes().size());
            assertEquals("greek letters", fd.probes().getFirst().concept());
            assertEquals(0.9, fd.probes().getFirst().metrics().get("f1"));
            assertTrue(s.feature(d, 0).orElseThrow().probes().isEmpty());
            assertTrue(s.feature(other, 0).isEmpty(), "sae-b has no published analysis");
            assertThrows(ConfigException.class, () -> s.feature(d, 3));
        }
    }

    @Test
    void matchesInComeFromTheOtherDictionarysPublishedRun() {
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            long small = StoreFixtures.dictionary(s, "small", 2), big = StoreFixtures.dictionary(s, "big", 4);
            StoreFixtures.analysis(s, big, 4, 0);
            try (AnalysisWriter w = s.beginAnalysis(small, "{}")) {
                for (int f = 0; f < 2; f++) StoreFixtures.writeFeature(w, f, 0);
                w.neighbours(0, big, List.of(new Neighbour(big, 3, 0.9f), new Neighbour(big, 1, 0.7f)));
                w.neighbours(1, big, List.of(new Neighbour(big, 3, 0.5f)));
                w.commit();
            }
            assertEquals(List.of(new Neighbour(small, 0, 0.9f), new Neighbour(small, 1, 0.5f)), s.feature(big, 3).orElseThrow().matchesIn());
            assertEquals(List.of(new Neighbour(small, 0, 0.7f)), s.feature(big, 1).orElseThrow().matchesIn());

            DictionaryComparison c = s.compare(small, big);
            assertEquals(2, c.matched());
            assertEquals(0.7, c.meanBestCosine(), 1e-6);         // (0.9 + 0.5) / 2
            assertEquals(0.7, c.medianBestCosine(), 1e-6);
            assertEquals(0.0, c.fractionAbove09(), 0);           // 0.9f is stored as 0.899999976
            assertEquals(0.5, c.fractionAbove07(), 0);
            assertEquals(1, c.distinctMatchesInB());
            assertEquals(1, c.cosineHistogram()[5]);
            assertEquals(1, c.cosineHistogram()[8]);
            assertEquals(2, c.featuresA());
            assertEquals(4, c.featuresB());
            assertEquals(0, c.deadA());
            assertEquals((1 + 2 + 3 + 4) / 4.0 / 100_000, c.meanDensityB(), 1e-15);
        }
    }

    @Test
    void bestScoreIsRecomputedWhenAScoreIsReplaced() {
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            long d = StoreFixtures.dictionary(s, "sae", 3);
            StoreFixtures.analysis(s, d, 3, 0);
            long e1 = s.addExplanation(Explanation.of(d, 0, "first", "m", null, List.of(new Score("top_and_random", "sim", 0.8))));
            s.addExplanation(Explanation.of(d, 0, "second", "m", null, List.of(new Score("top_and_random", "sim", 0.5))));
            s.addExplanation(Explanation.of(d, 2, "third", "m", null, List.of(new Score("top_and_random", "sim", 0.7))));
            FeatureQuery q = FeatureQuery.by(FeatureQuery.Sort.SCORE);
            List<FeatureSummary> page = s.listFeatures(d, q).items();
            assertEquals(List.of(0, 2), page.stream().map(FeatureSummary::feature).toList());
            assertEquals("first", page.getFirst().explanation());
            assertEquals(0.8, page.getFirst().score(), 0);
            s.addScore(e1, new Score("top_and_random", "sim", 0.1));   // rescored lower: "second" is now the best of feature 0
            page = s.listFeatures(d, q).items();
            assertEquals(List.of(2, 0), page.stream().map(FeatureSummary::feature).toList());
            assertEquals("second", page.get(1).explanation());
            assertEquals(0.5, page.get(1).score(), 0);
            FeatureSummary byMax = s.listFeatures(d, FeatureQuery.by(FeatureQuery.Sort.MAX_ACT).scoreKind("top_and_random")).items().getLast();
            assertEquals(0, byMax.feature());
            assertEquals("second", byMax.explanation());
            assertTrue(Double.isNaN(s.listFeatures(d, FeatureQuery.by(FeatureQuery.Sort.MAX_ACT)).items().getFirst().score()));
        }
    }

    @Test
    void searchFindsExplanationsAndExampleTextOfPublishedRunsOnly() {
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            long d = StoreFixtures.dictionary(s, "sae", 4);
            StoreFixtures.analysis(s, d, 4, 0);
            s.addExplanation(Explanation.of(d, 2, "closing brackets in Java code", "m", null, List.of()));
            List<SearchHit> hits = s.search("brackets java", 10);
            assertEquals(1, hits.size());
            assertEquals(SearchHit.Source.EXPLANATION, hits.getFirst().source());
            assertEquals(2, hits.getFirst().feature());
            assertTrue(hits.getFirst().snippet().contains("[brackets]"), hits.getFirst().snippet());

            hits = s.search("alpha3", 10);
            assertEquals(1, hits.size());
            assertEquals(SearchHit.Source.EXAMPLE, hits.getFirst().source());
            assertEquals(3, hits.getFirst().feature());
            assertEquals(4, s.search("the", 10).size(), "one hit per feature, not per window");
            assertEquals(2, s.search("the", 2).size());
            assertTrue(s.search("\"unbalanced ( AND OR", 10).isEmpty(), "FTS syntax in user input is matched literally, not parsed");

            StoreFixtures.analysis(s, d, 4, 5);   // re-analysis: the old windows (text " shift0") are gone
            assertTrue(s.search("shift0", 10).isEmpty());
            assertEquals(4, s.search("shift5", 10).size());
        }
    }

    @Test
    void featuresForTokenRanksByMeanActivation() {
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            long d = StoreFixtures.dictionary(s, "sae", 5);
            StoreFixtures.analysis(s, d, 5, 0);
            List<TokenFeature> common = s.featuresForToken(d, 999, 3);
            assertEquals(List.of(4, 3, 2), common.stream().map(TokenFeature::feature).toList());
            assertEquals(0.5, common.getFirst().meanAct(), 1e-12);
            assertEquals(List.of(new TokenFeature(2, 3.0, 3)), s.featuresForToken(d, 1002, 10));
            assertTrue(s.featuresForToken(d, 5, 10).isEmpty());
        }
    }

    @Test
    void probeResultsRoundTripAndNeuronHitsAreFound() {
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            long model = s.putModel(ModelInfo.of("m", null, null));
            s.addProbeResult(new ProbeResult(0, "in string", model, "blocks.0.mlp.hook_post", 0, ProbeResult.UnitKind.NEURON, "greedy-swap",
                    new int[] {7, 3}, new float[] {1f, -0.5f}, Map.of("f1", 0.8, "mcc", 0.6), "{\"seed\":1}"));
            List<ProbeResult> all = s.probeResults("in string");
            assertEquals(1, all.size());
            ProbeResult p = all.getFirst();
            assertEquals(2, p.k());
            assertArrayEquals(new int[] {7, 3}, p.units());
            assertArrayEquals(new float[] {1f, -0.5f}, p.weights());
            assertEquals(Map.of("f1", 0.8, "mcc", 0.6), p.metrics());
            assertEquals(1, s.probesForNeuron(model, "blocks.0.mlp.hook_post", 3).size());
            assertTrue(s.probesForNeuron(model, "blocks.0.mlp.hook_post", 4).isEmpty());
            assertTrue(s.probesForNeuron(model, "blocks.1.mlp.hook_post", 3).isEmpty());
            assertThrows(ConfigException.class, () -> new ProbeResult(0, "c", model, "h", 0, ProbeResult.UnitKind.FEATURE, "m",
                    new int[] {1}, new float[] {1}, Map.of(), null));
        }
    }

    @Test
    void writerRejectsOutOfRangeDuplicateAndIncompleteFeatures() {
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            long d = StoreFixtures.dictionary(s, "sae", 3);
            try (AnalysisWriter w = s.beginAnalysis(d, "{}")) {
                assertThrows(ConfigException.class, () -> w.feature(new FeatureStats(3, 1, 10, 1, 1)));
                StoreFixtures.writeFeature(w, 0, 0);
                assertThrows(ConfigException.class, () -> w.feature(new FeatureStats(0, 1, 10, 1, 1)));
                w.rangeTokens(0, 1, List.of(new TokenStat(5, "a", 2, Double.NaN)));
                w.rangeTokens(1, 0, List.of(new TokenStat(6, "b", 1, Double.NaN)));
                ConfigException split = assertThrows(ConfigException.class, () -> w.rangeTokens(0, 2, List.of()));
                assertTrue(split.getMessage().contains("range tokens of feature 0 after another feature's"), split.getMessage());
                ConfigException e = assertThrows(ConfigException.class, w::commit);
                assertTrue(e.getMessage().contains("wrote 1 of 3 features"), e.getMessage());
            }
            assertTrue(s.feature(d, 0).isEmpty(), "the incomplete run was discarded");
            assertEquals(0, s.dictionary(d).currentRunId());
        }
    }
}
