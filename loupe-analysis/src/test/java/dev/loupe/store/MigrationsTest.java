// Forward-only migrations with an explicit script list: a version-1 store is upgraded by applying
// only the missing script inside one transaction, a failing script leaves the store at its old
// version, and code that knows fewer versions refuses the upgraded store. The real V003 takes the
// rows of a killed ('writing') run out of the full-text index that V002's trigger had put there,
// and deleting a published run's examples afterwards keeps the index consistent. A hand-written V003
// store reads the same through the read-only views (read-V002.sql) as after the in-place V004 upgrade,
// and a new analysis replaces the migrated run with the index kept consistent.
package dev.loupe.store;

import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MigrationsTest {
    @TempDir Path dir;

    private static final String V1 = "CREATE TABLE a (x INTEGER);";
    private static final String V2 = "ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z INTEGER);";

    @Test
    void upgradesForwardAppliesEachScriptOnceAndRefusesNewer() throws Exception {
        Path db = dir.resolve("m.db");
        try (Connection c = StoreFiles.connect(db, false, 1000)) {
            assertEquals(0, Migrations.version(c, db));
            assertEquals(1, Migrations.migrate(c, db, List.of(V1)));
            assertEquals(1, Migrations.version(c, db));
        }
        try (Connection c = StoreFiles.connect(db, false, 1000)) {
            assertEquals(2, Migrations.migrate(c, db, List.of(V1, V2)));   // V1 is not re-run (it would fail: table a exists)
            assertEquals(2, Migrations.version(c, db));
            c.createStatement().executeUpdate("INSERT INTO a(x, y) VALUES (1, 'two')");
            assertEquals(2, Migrations.migrate(c, db, List.of(V1, V2)));   // idempotent
            FormatException e = assertThrows(FormatException.class, () -> Migrations.migrate(c, db, List.of(V1)));
            assertTrue(e.getMessage().contains("schema version 2") && e.getMessage().contains("newer Loupe"), e.getMessage());
        }
    }

    @Test
    void failingScriptRollsBackToThePreviousVersion() throws Exception {
        Path db = dir.resolve("m.db");
        try (Connection c = StoreFiles.connect(db, false, 1000)) {
            Migrations.migrate(c, db, List.of(V1));
            assertThrows(SQLException.class, () -> Migrations.migrate(c, db, List.of(V1, "CREATE TABLE c (q); CREATE TABLE a (x);")));
            assertEquals(1, Migrations.version(c, db));
            assertEquals(0, c.createStatement().executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'c'").getInt(1), "partial script rolled back");
        }
    }

    private static String script(int v) throws Exception {
        try (var in = Migrations.class.getResourceAsStream(String.format("migrations/V%03d.sql", v))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void v003TakesKilledRunsOutOfTheFullTextIndex() throws Exception {
        Path db = dir.resolve("v2.db");
        try (Connection c = StoreFiles.connect(db, false, 1000); var st = c.createStatement()) {
            Migrations.migrate(c, db, List.of(script(1), script(2)));
            st.executeUpdate("INSERT INTO models(name, created_at) VALUES ('m', 'now')");
            st.executeUpdate("INSERT INTO dictionaries(name, model_id, hook, kind, d_in, d_features, created_at) VALUES ('d', 1, 'h', 'topk', 2, 2, 'now')");
            st.executeUpdate("INSERT INTO analysis_runs(run_id, dictionary_id, status, writer_pid, writer_started, started_at) VALUES "
                    + "(1, 1, 'complete', 1, '', 'now'), (2, 1, 'writing', 1, '', 'now')");
            for (int run = 1; run <= 2; run++)
                st.executeUpdate("INSERT INTO examples(run_id, feature, kind, grp, rank, doc_id, position, max_act, token_ids, acts, text, token_ends) VALUES "
                        + "(" + run + ", 0, 'top', 0, 0, 0, 0, 1, x'', x'', 'published" + run + " words', x''), "
                        + "(" + run + ", 0, 'random', 0, 0, 0, 0, 1, x'', x'', 'random" + run + "', x'')");
            assertEquals(2, count(st, "SELECT count(*) FROM examples_fts WHERE examples_fts MATCH 'words'"), "V002 indexed both runs");
            try (FeatureStore ro = FeatureStore.openReadOnly(db)) {
                assertEquals(List.of("d"), ro.dictionaries().stream().map(DictionaryInfo::name).toList(), "a V002 store reads without upgrading");
            }
            assertEquals(3, Migrations.migrate(c, db, List.of(script(1), script(2), script(3))));
            assertEquals(1, count(st, "SELECT count(*) FROM examples_fts WHERE examples_fts MATCH 'published1'"));
            assertEquals(0, count(st, "SELECT count(*) FROM examples_fts WHERE examples_fts MATCH 'published2'"), "the killed run is out of the index");
            st.executeUpdate("INSERT INTO examples_fts(examples_fts, rank) VALUES ('integrity-check', 0)");
            st.executeUpdate("DELETE FROM examples");   // the published run's rows leave the index, the killed run's do not touch it
            st.executeUpdate("INSERT INTO examples_fts(examples_fts, rank) VALUES ('integrity-check', 0)");
            assertEquals(0, count(st, "SELECT count(*) FROM examples_fts WHERE examples_fts MATCH 'words'"));
        }
    }

    private static long count(java.sql.Statement st, String sql) throws SQLException {
        try (var r = st.executeQuery(sql)) { r.next(); return r.getLong(1); }
    }

    /** A V003 store: run 1 published (features 0 and 1 share the window "zebra crossing"), run 2 killed mid-write. */
    private static void writeV003(Path db) throws Exception {
        try (Connection c = StoreFiles.connect(db, false, 1000); var st = c.createStatement()) {
            Migrations.migrate(c, db, List.of(script(1), script(2), script(3)));
            st.executeUpdate("INSERT INTO models(name, created_at) VALUES ('m', 'now')");
            st.executeUpdate("INSERT INTO dictionaries(name, model_id, hook, kind, d_in, d_features, current_run_id, created_at) VALUES ('d', 1, 'h', 'topk', 2, 2, 1, 'now')");
            st.executeUpdate("INSERT INTO analysis_runs(run_id, dictionary_id, status, writer_pid, writer_started, started_at) VALUES "
                    + "(1, 1, 'complete', 1, '', 'now'), (2, 1, 'writing', 1, '', 'now')");
            st.executeUpdate("INSERT INTO features VALUES (1, 0, 3, 100, 0.03, 1.0, 2.0), (1, 1, 1, 100, 0.01, 0.5, 0.5)");
            try (var ps = c.prepareStatement("INSERT INTO examples(run_id, feature, kind, grp, rank, doc_id, position, max_act, token_ids, acts, text, token_ends) "
                    + "VALUES (?, ?, ?, 0, 0, 4, 9, 2.0, ?, ?, ?, ?)")) {
                Object[][] rows = {{1, 0, "top", "zebra crossing"}, {1, 1, "top", "zebra crossing"}, {1, 0, "random", "gnu herd"}, {2, 0, "top", "unpublished words"}};
                for (Object[] r : rows) {
                    String text = (String) r[3];
                    ps.setObject(1, r[0]); ps.setObject(2, r[1]); ps.setObject(3, r[2]);
                    ps.setBytes(4, Blobs.ints(new int[] {40, 41}));
                    ps.setBytes(5, Blobs.floats(new float[] {2f, 0.5f}));
                    ps.setString(6, text);
                    ps.setBytes(7, Blobs.ints(new int[] {text.indexOf(' '), text.length()}));
                    ps.executeUpdate();
                }
            }
            st.executeUpdate("INSERT INTO examples_fts(rowid, text) SELECT example_id, text FROM examples WHERE run_id = 1 AND kind <> 'random'");
            st.executeUpdate("INSERT INTO logits VALUES (1, 0, 'direct', 1, 1, 6, 'up2', 1.25), (1, 0, 'direct', 1, 0, 5, 'up', 2.5), "
                    + "(1, 0, 'direct', -1, 0, 7, 'down', -0.5), (2, 0, 'direct', 1, 0, 8, 'dead', 9)");
            st.executeUpdate("INSERT INTO range_tokens VALUES (1, 0, 2, 12, 'c', 2), (1, 0, 0, 10, 'a', 1), (1, 0, 0, 11, 'b', 3)");
            st.executeUpdate("INSERT INTO token_stats VALUES (1, 0, 10, 'a', 1, 0.5), (1, 1, 10, 'a', 2, 0.75), (2, 1, 10, 'a', 9, 9.0)");
        }
    }

    /** What writeV003 holds, asked through the public queries. */
    private static void assertV003Content(FeatureStore s) {
        FeatureDetail f0 = s.feature(1, 0).orElseThrow();
        assertEquals(1, f0.logits().size());
        LogitTable direct = f0.logits().getFirst();
        assertEquals(LogitTable.Kind.DIRECT, direct.kind());
        assertEquals(List.of(new LogitEntry(5, "up", 2.5f), new LogitEntry(6, "up2", 1.25f)), direct.positive());
        assertEquals(List.of(new LogitEntry(7, "down", -0.5f)), direct.negative());
        assertEquals(java.util.Map.of(0, List.of(new TokenStat(11, "b", 3, Double.NaN), new TokenStat(10, "a", 1, Double.NaN)),
                2, List.of(new TokenStat(12, "c", 2, Double.NaN))), f0.rangeTokens());
        assertEquals(1, f0.topExamples().size());
        Example top = f0.topExamples().getFirst();
        assertArrayEquals(new String[] {"zebra", " crossing"}, top.tokens());
        assertArrayEquals(new int[] {40, 41}, top.tokenIds());
        assertArrayEquals(new float[] {2f, 0.5f}, top.acts());
        assertEquals(4, top.docId());
        assertEquals(9, top.position());
        assertArrayEquals(new String[] {"gnu", " herd"}, f0.randomExamples().getFirst().tokens());
        assertEquals(List.of(0, 1), s.search("zebra", 5).stream().map(SearchHit::feature).sorted().toList());
        assertEquals(0, s.search("unpublished", 5).size(), "the killed run is not searchable");
        assertEquals(0, s.search("gnu", 5).size(), "random windows are not search hits");
        assertEquals(List.of(new TokenFeature(1, 0.75, 2), new TokenFeature(0, 0.5, 1)), s.featuresForToken(1, 10, 5));
    }

    @Test
    void v003StoreReadsThroughViewsThenUpgradesInPlaceToTheSameAnswers() throws Exception {
        Path db = dir.resolve("v3.db");
        writeV003(db);
        try (FeatureStore ro = FeatureStore.openReadOnly(db)) {
            assertEquals(3, ro.schemaVersion(), "a read-only open does not migrate");
            assertV003Content(ro);
        }
        try (FeatureStore s = FeatureStore.open(db)) {
            assertEquals(Migrations.LATEST, s.schemaVersion());
            assertV003Content(s);
            assertEquals(4, s.longQuery("SELECT count(*) FROM excerpts"), "one excerpt per old example");
            assertEquals(1, s.longQuery("SELECT count(*) FROM excerpts WHERE excerpt_id = 2 * 4294967296 + 4 AND run_id = 2"));
            s.connection().createStatement().executeUpdate("INSERT INTO examples_fts(examples_fts, rank) VALUES ('integrity-check', 0)");
            try (AnalysisWriter w = s.beginAnalysis(1, "{}")) {   // removes the killed run, then supersedes run 1
                for (int f = 0; f < 2; f++) {
                    w.feature(new FeatureStats(f, 1, 10, 1.0, 1.0));
                    w.example(f, new Example(Example.Kind.TOP, 0, 0, 1, 0, new int[] {1}, new String[] {"okapi"}, new float[] {1f}));
                }
                w.commit();
            }
            s.connection().createStatement().executeUpdate("INSERT INTO examples_fts(examples_fts, rank) VALUES ('integrity-check', 0)");
            assertEquals(0, s.search("zebra", 5).size());
            assertEquals(List.of(0, 1), s.search("okapi", 5).stream().map(SearchHit::feature).sorted().toList());
            assertEquals(1, s.longQuery("SELECT count(*) FROM excerpts"), "the two features' shared window is stored once; older runs are gone");
            assertEquals(0, s.longQuery("SELECT count(*) FROM token_features WHERE run_id <> (SELECT current_run_id FROM dictionaries)"));
        }
    }
}
