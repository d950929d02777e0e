// Schema version 2 (auto-interp): RANDOM examples round-trip and stay out of the feature detail,
// undefined (NaN) scores are stored as NULL and never become a best score, skips are recorded per
// method, and a version-1 store keeps its examples and full-text index through the upgrade.
package dev.loupe.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class InterpStoreTest {
    @TempDir Path dir;

    @Test
    void randomExamplesRoundTripAndAreNotQuantiles() {
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            long d = StoreFixtures.dictionary(s, "sae", 2);
            try (AnalysisWriter w = s.beginAnalysis(d, "{}")) {
                StoreFixtures.writeFeature(w, 0, 0);
                StoreFixtures.writeFeature(w, 1, 0);
                w.example(0, new Example(Example.Kind.RANDOM, 0, 1, 5, 64, new int[] {7, 8}, new String[] {" b", " c"}, new float[] {0f, 2f}));
                w.example(0, new Example(Example.Kind.RANDOM, 0, 0, 4, 0, new int[] {5, 6}, new String[] {"a", " x"}, new float[] {0.5f, 0f}));
                w.commit();
            }
            List<Example> random = s.examples(d, 0, Example.Kind.RANDOM);
            assertEquals(2, random.size());
            assertArrayEquals(new String[] {"a", " x"}, random.get(0).tokens(), "ordered by rank");
            assertArrayEquals(new float[] {0f, 2f}, random.get(1).acts());
            assertEquals(1, s.examples(d, 0, Example.Kind.TOP).size());
            assertTrue(s.examples(d, 1, Example.Kind.RANDOM).isEmpty());
            FeatureDetail detail = s.feature(d, 0).orElseThrow();
            assertEquals(1, detail.topExamples().size());
            assertTrue(detail.quantileExamples().isEmpty(), "random windows are not quantile examples");
            assertEquals(List.of("alpha0", "common"), s.tokenStats(d, 0).stream().map(TokenStat::token).toList());
        }
    }

    @Test
    void undefinedScoresAreNullNeverZeroAndNeverBest() throws Exception {
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            long d = StoreFixtures.dictionary(s, "sae", 3);
            long e1 = s.addExplanation(Explanation.of(d, 0, "first", "builtin", null,
                    List.of(Score.undefined("top_and_random", "rules"), new Score("random_only", "rules", 0.25))));
            assertTrue(Double.isNaN(s.explanations(d, 0).get(0).scores().get(1).value()), "undefined reads back as NaN");
            assertEquals(Map.of(0, Double.NaN), s.latestScores(d, "builtin", "top_and_random", "rules"));
            assertEquals(Map.of(0, 0.25), s.latestScores(d, "builtin", "random_only", "rules"));
            try (Connection c = StoreFiles.connect(StoreFixtures.db(dir), true, 1000);
                 ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM scores WHERE value IS NULL")) {
                assertEquals(1, r.getInt(1));
            }
            assertEquals(Set.of(), bestFeatures(d, "top_and_random", 0.0), "an undefined score is no best score");
            assertEquals(Set.of(0), bestFeatures(d, "random_only", 0.25));
            s.addScore(e1, new Score("top_and_random", "rules", 0.5));
            assertEquals(Set.of(0), bestFeatures(d, "top_and_random", 0.5));
            s.addScore(e1, Score.undefined("top_and_random", "rules"));   // rescored as undefined: no stale best remains
            assertEquals(Set.of(), bestFeatures(d, "top_and_random", 0.0));
            assertEquals(Set.of(0), s.explainedFeatures(d, "builtin"));
            assertEquals(Set.of(), s.explainedFeatures(d, "llm"));
        }
    }

    /** Features whose best score of a kind exists (and is at least min), read straight from the table. */
    private Set<Integer> bestFeatures(long d, String kind, double min) throws Exception {
        try (Connection c = StoreFiles.connect(StoreFixtures.db(dir), true, 1000);
             ResultSet r = c.createStatement().executeQuery("SELECT feature, value FROM feature_best_scores WHERE dictionary_id = " + d
                     + " AND kind = '" + kind + "'")) {
            Set<Integer> out = new java.util.HashSet<>();
            while (r.next()) {
                assertTrue(r.getDouble(2) >= min, "best " + r.getDouble(2));
                out.add(r.getInt(1));
            }
            return out;
        }
    }

    @Test
    void skipsAreRecordedPerMethodAndReplaced() {
        try (FeatureStore s = FeatureStore.open(StoreFixtures.db(dir))) {
            long d = StoreFixtures.dictionary(s, "sae", 3);
            s.addInterpSkip(d, 2, "builtin", "only 3 non-trivial top excerpts (need 20)");
            s.addInterpSkip(d, 2, "builtin", "only 4 non-trivial top excerpts (need 20)");
            s.addInterpSkip(d, 1, "llm", "x");
            assertEquals(Map.of(2, "only 4 non-trivial top excerpts (need 20)"), s.interpSkips(d, "builtin"));
            assertEquals(Map.of(1, "x"), s.interpSkips(d, "llm"));
        }
    }

    @Test
    void versionOneStoreKeepsExamplesAndSearchThroughTheUpgrade() throws Exception {
        Path db = StoreFixtures.db(dir);
        try (Connection c = StoreFiles.connect(db, false, 1000)) {
            Migrations.migrate(c, db, List.of(v1()));
            var st = c.createStatement();
            st.executeUpdate("INSERT INTO models(model_id, name, created_at) VALUES (1, 'm', 'now')");
            st.executeUpdate("INSERT INTO dictionaries(dictionary_id, name, model_id, hook, kind, d_in, d_features, current_run_id, created_at) "
                    + "VALUES (1, 'sae', 1, 'h', 'standard', 4, 1, 1, 'now')");
            st.executeUpdate("INSERT INTO analysis_runs(run_id, dictionary_id, status, writer_pid, writer_started, started_at) VALUES (1, 1, 'complete', 1, 'now', 'now')");
            st.executeUpdate("INSERT INTO features VALUES (1, 0, 1, 10, 0.1, 1.0, 2.0)");
            try (var ps = c.prepareStatement("INSERT INTO examples(example_id, run_id, feature, kind, grp, rank, doc_id, position, max_act, token_ids, acts, text, token_ends) "
                    + "VALUES (17, 1, 0, 'top', 0, 0, 3, 9, 2.0, ?, ?, 'zebra crossing', ?)")) {
                ps.setBytes(1, Blobs.ints(new int[] {40, 41}));
                ps.setBytes(2, Blobs.floats(new float[] {2f, 0f}));
                ps.setBytes(3, Blobs.ints(new int[] {5, 14}));
                ps.executeUpdate();
            }
        }
        try (FeatureStore s = FeatureStore.open(db)) {
            assertEquals(Migrations.LATEST, s.schemaVersion());
            List<Example> top = s.examples(1, 0, Example.Kind.TOP);
            assertEquals(1, top.size());
            assertArrayEquals(new String[] {"zebra", " crossing"}, top.get(0).tokens());
            assertEquals(1, s.search("zebra", 5).size(), "full-text index still points at the example");
            try (AnalysisWriter w = s.beginAnalysis(1, "{}")) {   // the rebuilt table accepts new rows and random windows
                w.feature(new FeatureStats(0, 1, 10, 1.0, 2.0));
                w.example(0, new Example(Example.Kind.RANDOM, 0, 0, 1, 0, new int[] {1}, new String[] {"okapi"}, new float[] {1f}));
                w.commit();
            }
            assertEquals(0, s.search("okapi", 5).size(), "random windows are not full-text indexed (V002)");
            assertEquals(0, s.search("zebra", 5).size(), "superseded run's example is no longer searchable");
        }
    }

    private static String v1() throws Exception {
        try (var in = Migrations.class.getResourceAsStream("migrations/V001.sql")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
