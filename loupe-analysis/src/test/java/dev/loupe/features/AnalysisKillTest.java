// A `loupe analyze` killed mid-write leaves the store intact: a child JVM stages a second analysis
// of the same dictionary and is killed (SIGKILL) before it commits; the store then still serves
// the first analysis unchanged, passes SQLite's integrity check, and a rerun publishes a new one.
package dev.loupe.features;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureDetail;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.ModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class AnalysisKillTest {
    static final String HOOK = "blocks.0.mlp.hook_post";
    static final int FEATURES = 64;
    static final AnalysisOptions OPTIONS = AnalysisOptions.defaults().withExamples(4, 2, 2, 2, 16).withAblation(false);

    @TempDir Path dir;

    /** 64 random directions in the MLP's 512 dimensions: enough rows for several batch transactions, few enough to be quick. */
    static Dictionary dictionary() { return Baselines.randomDirections(512, FEATURES, 9); }

    static List<TokenWindows.Window> windows(long seed) {
        return Planted.randomWindows(6, 64, Planted.model().config().vocab(), seed);
    }

    static AnalysisWriter begin(FeatureStore s) {
        long m = s.putModel(ModelInfo.of("loupe-1l", "GPT2LMHeadModel", Planted.MODEL.toString()));
        long d = s.putDictionary(DictionaryInfo.of("random", m, HOOK, "random", 512, FEATURES));
        return s.beginAnalysis(d, "{}");
    }

    private static void analyse(Path db, long seed) {
        try (FeatureStore s = FeatureStore.open(db); AnalysisWriter w = begin(s)) {
            FeatureAnalyzer.analyze(Planted.model(), Planted.tokenizer(), HOOK, AnalysisKillTest.dictionary(), windows(seed).iterator(), OPTIONS, w, null);
            w.commit();
        }
    }

    /** Fire counts of every feature and the first feature's top example, as published. */
    private static String published(Path db) {
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            long d = s.requireDictionary("random").id();
            StringBuilder sb = new StringBuilder();
            for (int f = 0; f < FEATURES; f++) sb.append(s.feature(d, f).orElseThrow().summary().fireCount()).append(',');
            FeatureDetail f0 = s.feature(d, 0).orElseThrow();
            sb.append(java.util.Arrays.toString(f0.topExamples().getFirst().acts()));
            return sb.toString();
        }
    }

    private static long sql(Path db, String query) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); ResultSet r = c.createStatement().executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void killedAnalysisLeavesThePreviousOneAndARerunPublishes() throws Exception {
        Path db = dir.resolve("kill.db");
        analyse(db, 1);
        String before = published(db);
        long rows = sql(db, "SELECT count(*) FROM examples");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), KillableAnalysis.class.getName(), db.toString(), "2")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder log = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("STAGED")) log.append(line).append('\n');
            assertNotNull(line, "child exited before staging: " + log);
            assertTrue(sql(db, "SELECT count(*) FROM analysis_runs WHERE status = 'writing'") == 1, "the child's run is staged");
            assertTrue(sql(db, "SELECT count(*) FROM examples") > rows, "its batches are in the file");
            assertEquals(before, published(db), "readers see the old analysis while the child writes");
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(before, published(db), "the killed analysis left the published one intact");
        assertEquals("ok", integrity(db));
        analyse(db, 3);
        assertNotEquals(before, published(db), "the rerun published a new analysis");
        assertEquals(0, sql(db, "SELECT count(*) FROM examples WHERE run_id NOT IN (SELECT current_run_id FROM dictionaries)"), "the dead run's rows were removed");
        assertEquals(1, sql(db, "SELECT count(*) FROM analysis_runs"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {   // throws on a damaged index (a 'delete' of rows never indexed damages it)
            c.createStatement().executeUpdate("INSERT INTO examples_fts(examples_fts, rank) VALUES ('integrity-check', 0)");
        }
    }

    private static String integrity(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); ResultSet r = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            r.next();
            return r.getString(1);
        }
    }
}
