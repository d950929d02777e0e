// Readers never see a half-written analysis, and a writer that dies mid-write (exception, lost
// connection, killed process) leaves the previous analysis intact and the store re-analysable.
package dev.loupe.store;

import dev.loupe.util.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class StoreConsistencyTest {
    @TempDir Path dir;

    /** Features in the staged run: enough rows for several committed batches before the "crash". */
    private static final int BATCH = 200;
    private static final int N = 2 * BATCH + 7;

    private static FeatureStore open(Path db) {
        FeatureStore s = FeatureStore.open(db);
        s.setAnalysisBatchRows(BATCH);
        return s;
    }

    private static void assertPublished(FeatureStore s, long dict, double shift) {
        FeatureSummary top = s.listFeatures(dict, FeatureQuery.by(FeatureQuery.Sort.MAX_ACT).limit(1)).items().getFirst();
        assertEquals(N - 1, top.feature());
        assertEquals(N + shift, top.maxAct(), 0);
        assertEquals(N + shift, s.feature(dict, N - 1).orElseThrow().topExamples().getFirst().acts()[1], 0);
        assertEquals(N, s.search("shift" + (int) shift, 3 * N).size());
    }

    private static long rows(FeatureStore s, String table) throws Exception {
        return s.longQuery("SELECT count(*) FROM " + table);
    }

    @Test
    void exceptionMidWriteLeavesPreviousAnalysisAndRerunWorks() throws Exception {
        Path db = StoreFixtures.db(dir);
        try (FeatureStore s = open(db)) {
            long d = StoreFixtures.dictionary(s, "sae", N);
            StoreFixtures.analysis(s, d, N, 0);
            assertThrows(IllegalStateException.class, () -> {
                try (AnalysisWriter w = s.beginAnalysis(d, "{}")) {
                    for (int f = 0; f < N; f++) {
                        StoreFixtures.writeFeature(w, f, 1);
                        if (f == N - 3) throw new IllegalStateException("simulated crash");
                    }
                    w.commit();
                }
            });
            assertPublished(s, d, 0);
            assertEquals(N, rows(s, "features"), "close() without commit removed the staged rows");
            StoreFixtures.analysis(s, d, N, 2);
            assertPublished(s, d, 2);
            assertEquals(N, rows(s, "features"), "the superseded run was deleted");
            assertEquals(N, rows(s, "examples"));
            try (Statement st = s.connection().createStatement(); ResultSet r = st.executeQuery("PRAGMA integrity_check")) {
                r.next();
                assertEquals("ok", r.getString(1));
            }
        }
    }

    @Test
    void lostConnectionWithoutCommitLeavesPreviousAnalysisAfterReopen() throws Exception {
        Path db = StoreFixtures.db(dir);
        long d;
        try (FeatureStore s = open(db)) {
            d = StoreFixtures.dictionary(s, "sae", N);
            StoreFixtures.analysis(s, d, N, 0);
            AnalysisWriter w = s.beginAnalysis(d, "{}");
            for (int f = 0; f < N - 1; f++) StoreFixtures.writeFeature(w, f, 1);
            w.connectionForTest().close();           // the writer "dies": staged batches stay behind, uncommitted tail is lost
            w.close();                               // its clean-up cannot run either
            assertTrue(rows(s, "features") > N, "staged rows of the dead writer are in the file");
        }
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            assertPublished(s, d, 0);
        }
        try (FeatureStore s = open(db)) {
            assertPublished(s, d, 0);
            StoreFixtures.analysis(s, d, N, 3);     // the next analysis removes the dead run first
            assertPublished(s, d, 3);
            assertEquals(N, rows(s, "features"));
            assertEquals(1, rows(s, "analysis_runs"));
        }
    }

    @Test
    void readerSeesOldAnalysisUntilCommitThenTheNewOne() {
        Path db = StoreFixtures.db(dir);
        try (FeatureStore s = open(db); FeatureStore reader = FeatureStore.openReadOnly(db)) {
            long d = StoreFixtures.dictionary(s, "sae", N);
            StoreFixtures.analysis(s, d, N, 0);
            try (AnalysisWriter w = s.beginAnalysis(d, "{}")) {
                for (int f = 0; f < N; f++) StoreFixtures.writeFeature(w, f, 1);
                assertPublished(reader, d, 0);       // several batches are committed, none visible
                w.commit();
            }
            assertPublished(reader, d, 1);
            assertThrows(LoupeException.class, () -> reader.putModel(ModelInfo.of("x", null, null)));
        }
    }

    @Test
    void secondWriterOfTheSameDictionaryInThisProcessIsRefused() {
        try (FeatureStore s = open(StoreFixtures.db(dir))) {
            long d = StoreFixtures.dictionary(s, "sae", 2);
            try (AnalysisWriter w = s.beginAnalysis(d, "{}")) {
                LoupeException e = assertThrows(LoupeException.class, () -> s.beginAnalysis(d, "{}"));
                assertTrue(e.getMessage().contains("is being analysed by process"), e.getMessage());
                w.feature(new FeatureStats(0, 0, 1, 0, 0));
            }
        }
    }

    @Test
    void killedWriterProcessLeavesPreviousAnalysisIntact() throws Exception {
        Path db = StoreFixtures.db(dir);
        long d;
        try (FeatureStore s = open(db)) {
            d = StoreFixtures.dictionary(s, "sae", N);
            StoreFixtures.analysis(s, d, N, 0);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                KillableWriter.class.getName(), db.toString(), Long.toString(d), Integer.toString(BATCH)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder log = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("STAGED")) log.append(line).append('\n');
            assertNotNull(line, "child exited before staging: " + log);
            try (FeatureStore s = open(db)) {
                assertPublished(s, d, 0);
                LoupeException e = assertThrows(LoupeException.class, () -> s.beginAnalysis(s.dictionary("sae").orElseThrow().id(), "{}"));
                assertTrue(e.getMessage().contains("process " + p.pid()), e.getMessage());
            }
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        try (FeatureStore s = open(db)) {
            assertPublished(s, d, 0);
            assertTrue(rows(s, "features") >= 2L * N - 7, "the killed writer's committed batches are in the file");
            StoreFixtures.analysis(s, d, N, 4);
            assertPublished(s, d, 4);
            assertEquals(N, rows(s, "features"));
        }
    }
}
