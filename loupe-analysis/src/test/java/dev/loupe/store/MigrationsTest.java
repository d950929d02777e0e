// Forward-only migrations with an explicit script list: a version-1 store is upgraded by applying
// only the missing script inside one transaction, a failing script leaves the store at its old
// version, and code that knows fewer versions refuses the upgraded store. The real V003 takes the
// rows of a killed ('writing') run out of the full-text index that V002's trigger had put there,
// and deleting a published run's examples afterwards keeps the index consistent.
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
}
