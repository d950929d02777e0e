// Stages one analysis of one dictionary in the feature store and publishes it atomically.
// Rows are buffered and written under a fresh run id in batched transactions (the write lock is
// held only while a batch is flushed) on the writer's own connection;
// readers follow dictionaries.current_run_id, so they cannot see the staged rows. commit() writes
// the last batch and flips current_run_id in the same transaction, then deletes the superseded run.
// A writer that dies (exception, closed connection, killed process) leaves a run in status
// 'writing' that nobody reads; the next beginAnalysis of that dictionary deletes it once the
// writing process is known to be gone (pid + process start instant; single-host assumption).
// Per-row costs are kept low (schema V004): a window shown by several examples is written once
// (excerpts), lists read whole are one JSON row per feature (logits, token_stats, range_tokens), and the
// tables whose keys would be updated at random places during staging (full-text index, per-token
// look-up, excerpt -> feature map) are filled in key order by the publishing transaction.
// Not an analysis: the statistics come from dev.loupe.features; this only persists them.
package dev.loupe.store;

import dev.loupe.util.ConfigException;
import dev.loupe.util.LoupeException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

public final class AnalysisWriter implements AutoCloseable {
    /** Rows per staged transaction: large, because each commit rewrites the B-tree pages it touched into the WAL. */
    static final int BATCH_ROWS = 50_000;
    private static final int CACHE_KIB = 64 * 1024;
    private static final long EXCERPT_MASK = 0xFFFF_FFFFL;
    private static final List<String> RUN_TABLES = List.of("features", "feature_stats", "examples", "excerpt_features", "histograms",
            "logits", "token_stats", "token_features", "range_tokens", "neighbours");
    /** Runs (store file + run id) being written by writers open in this JVM: their pid is ours, so pid liveness cannot tell. */
    private static final Set<String> ACTIVE = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final Connection conn;
    private final DictionaryInfo dict;
    private final long runId;
    private final BitSet written = new BitSet();
    private final Set<Long> knownDictionaries = new HashSet<>();
    private final List<PreparedStatement> statements = new ArrayList<>();
    private final PreparedStatement insFeature, insStat, insExcerpt, insExample, insHistogram, insLogit, insToken, insRange, insNeighbour;
    /** Excerpt id of each window written so far (see Window). */
    private final Map<Window, Long> excerpts = new HashMap<>();
    /** Range-token bins of the feature being written ({@link #rangeFeature}), stored as one row when it changes. */
    private final TreeMap<Integer, List<TokenStat>> ranges = new TreeMap<>();
    private final BitSet rangesWritten = new BitSet();
    private int rangeFeature = -1;
    private final int batchRows;
    private int pendingRows;
    private boolean inTransaction, finished;

    private AnalysisWriter(Path path, Connection conn, DictionaryInfo dict, long runId, int batchRows) throws SQLException {
        this.path = path;
        this.batchRows = batchRows;
        this.conn = conn;
        this.dict = dict;
        this.runId = runId;
        // the run id is a literal of each statement: one bind less per row
        insFeature = prepare("INSERT INTO features(run_id, feature, fire_count, token_count, density, mean_act, max_act) VALUES (" + runId + ", ?, ?, ?, ?, ?, ?)");
        insStat = prepare("INSERT INTO feature_stats(run_id, feature, name, value) VALUES (" + runId + ", ?, ?, ?)");
        insExcerpt = prepare("INSERT INTO excerpts(excerpt_id, run_id, doc_id, position, token_ids, text, token_ends) VALUES (?, " + runId + ", ?, ?, ?, ?, ?)");
        insExample = prepare("INSERT INTO examples(run_id, feature, kind, grp, rank, excerpt_id, max_act, acts) VALUES (" + runId + ", ?, ?, ?, ?, ?, ?, ?)");
        insHistogram = prepare("INSERT INTO histograms(run_id, feature, kind, edges, counts) VALUES (" + runId + ", ?, ?, ?, ?)");
        insLogit = prepare("INSERT INTO logits(run_id, feature, kind, positive, negative) VALUES (" + runId + ", ?, ?, ?, ?)");
        insToken = prepare("INSERT INTO token_stats(run_id, feature, tokens) VALUES (" + runId + ", ?, ?)");
        insRange = prepare("INSERT INTO range_tokens(run_id, feature, bins) VALUES (" + runId + ", ?, ?)");
        insNeighbour = prepare("INSERT INTO neighbours(run_id, feature, other_dictionary_id, rank, other_feature, cosine) VALUES (" + runId + ", ?, ?, ?, ?, ?)");
        knownDictionaries.add(dict.id());
    }

    static AnalysisWriter begin(FeatureStore store, DictionaryInfo dict, String provenanceJson, int batchRows) {
        Path path = store.path();
        Connection c = StoreFiles.connect(path, false, FeatureStore.DEFAULT_BUSY_MILLIS);
        try {
            StoreFiles.exec(c, "PRAGMA cache_size = -" + CACHE_KIB, path);   // the default 2 MB thrashes on the secondary indexes
            long runId = store.write("begin analysis of " + dict.name(), () -> {
                cleanUp(store.connection(), path, dict);
                ProcessHandle self = ProcessHandle.current();
                try (PreparedStatement ps = store.connection().prepareStatement("""
                        INSERT INTO analysis_runs(dictionary_id, status, writer_pid, writer_started, started_at, provenance_json)
                        VALUES (?, 'writing', ?, ?, ?, ?)""")) {
                    ps.setLong(1, dict.id()); ps.setLong(2, self.pid()); ps.setString(3, startInstant(self));
                    ps.setString(4, Instant.now().toString()); ps.setString(5, provenanceJson);
                    ps.executeUpdate();
                }
                return store.longQuery("SELECT last_insert_rowid()");
            });
            ACTIVE.add(activeKey(path, runId));
            return new AnalysisWriter(path, c, dict, runId, batchRows);
        } catch (SQLException e) {
            closeQuietly(c);
            throw StoreFiles.fail(path, "begin analysis of " + dict.name(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    public long runId() { return runId; }
    public DictionaryInfo dictionary() { return dict; }

    public void feature(FeatureStats s) {
        checkFeature(s.feature());
        if (written.get(s.feature())) throw new ConfigException("analysis of " + dict.name() + " wrote feature " + s.feature() + " twice");
        written.set(s.feature());
        add(insFeature, s.feature(), s.fireCount(), s.tokenCount(), s.density(), s.meanAct(), s.maxAct());
    }

    /** A further named statistic of a feature (e.g. "skewness", "decoder_norm"). */
    public void stat(int feature, String name, double value) {
        checkFeature(feature);
        add(insStat, feature, name, value);
    }

    public void example(int feature, Example e) {
        checkFeature(feature);
        Window w = new Window(e.docId(), e.position(), e.tokenIds().length, (long) Arrays.hashCode(e.tokenIds()) << 32 | Arrays.hashCode(e.tokens()) & 0xffffffffL);
        Long excerpt = excerpts.get(w);
        if (excerpt == null) {
            excerpt = (runId << 32) + excerpts.size();
            add(insExcerpt, excerpt, e.docId(), e.position(), Blobs.ints(e.tokenIds()), e.text(), Blobs.ints(e.tokenEnds()));
            excerpts.put(w, excerpt);
        }
        add(insExample, feature, e.kind().sql(), e.group(), e.rank(), excerpt, (double) e.maxAct(), Blobs.activations(e.acts()));
    }

    /**
     * A window of the corpus: document, position, length and a hash of its token ids and strings.
     * Within one analysis the first three already determine the window; the hash keeps windows
     * apart if a caller passes different tokens for the same place.
     */
    private record Window(long doc, int position, int length, long content) {}

    public void histogram(int feature, String kind, Histogram h) {
        checkFeature(feature);
        add(insHistogram, feature, kind, Blobs.floats(h.edges()), Blobs.longs(h.counts()));
    }

    /** One kind of logit table of a feature (each kind at most once per feature). */
    public void logits(int feature, LogitTable table) {
        checkFeature(feature);
        add(insLogit, feature, table.kind().sql(), PackedRows.logits(table.positive()), PackedRows.logits(table.negative()));
    }

    /** The feature's per-token table: the tokens it fires on, with count and mean activation (once per feature). */
    public void tokenStats(int feature, List<TokenStat> stats) {
        checkFeature(feature);
        add(insToken, feature, PackedRows.tokens(stats));
    }

    /**
     * Which tokens produced activations in histogram bin {@code bin} (meanAct is ignored). A
     * feature's bins are stored together, so give all of them before the next feature's.
     */
    public void rangeTokens(int feature, int bin, List<TokenStat> tokens) {
        checkFeature(feature);
        if (feature != rangeFeature) {
            storeRanges();
            if (rangesWritten.get(feature))
                throw new ConfigException("analysis of " + dict.name() + " gave range tokens of feature " + feature
                        + " after another feature's; give all bins of a feature together");
            rangeFeature = feature;
        }
        ranges.computeIfAbsent(bin, b -> new ArrayList<>()).addAll(tokens);
    }

    private void storeRanges() {
        if (rangeFeature < 0) return;
        int f = rangeFeature;
        rangeFeature = -1;
        rangesWritten.set(f);
        add(insRange, f, PackedRows.ranges(ranges));
        ranges.clear();
    }

    /** Nearest features by decoder cosine, best first, in this dictionary or another (otherDictionaryId). */
    public void neighbours(int feature, long otherDictionaryId, List<Neighbour> ns) {
        checkFeature(feature);
        checkDictionary(otherDictionaryId);
        for (int i = 0; i < ns.size(); i++) add(insNeighbour, feature, otherDictionaryId, i, ns.get(i).feature(), (double) ns.get(i).cosine());
    }

    /**
     * Publishes the analysis: writes the last batch and points the dictionary at this run in one
     * transaction, then deletes the run it replaced. Every feature must have been written.
     */
    public void commit() {
        if (finished) throw new IllegalStateException("analysis run " + runId + " is already finished");
        if (written.cardinality() != dict.dFeatures())
            throw new ConfigException("analysis of dictionary " + dict.name() + " wrote " + written.cardinality() + " of " + dict.dFeatures()
                    + " features; write every feature (dead ones with fire count 0) before commit");
        storeRanges();
        try {
            beginIfNeeded();
            for (PreparedStatement ps : statements) ps.executeBatch();
            String status = stringQuery("SELECT status FROM analysis_runs WHERE run_id = " + runId);
            if (!"writing".equals(status))
                throw new LoupeException("analysis run " + runId + " of " + dict.name() + " was removed from " + path + " while being written (status "
                        + status + "); was another writer cleaning up? Re-run the analysis");
            // Tables keyed other than by feature, each filled in one statement in key order (V004.sql).
            exec("INSERT INTO examples_fts(rowid, text) SELECT excerpt_id, text FROM excerpts WHERE " + excerptRange(runId));
            exec("INSERT INTO excerpt_features(run_id, excerpt_id, feature) SELECT DISTINCT run_id, excerpt_id, feature FROM examples "
                    + "WHERE run_id = " + runId + " AND kind <> 'random' ORDER BY excerpt_id, feature");
            exec("INSERT INTO token_features(run_id, token_id, mean_act, feature, count) "
                    + "SELECT t.run_id, e.value ->> 0, e.value ->> 3, t.feature, e.value ->> 2 FROM token_stats t, json_each(t.tokens) e "
                    + "WHERE t.run_id = " + runId + " ORDER BY 2, 3 DESC, 4");
            String now = Instant.now().toString();
            exec("UPDATE analysis_runs SET status = 'superseded' WHERE dictionary_id = " + dict.id() + " AND status = 'complete'");
            exec("UPDATE analysis_runs SET status = 'complete', finished_at = '" + now + "' WHERE run_id = " + runId);
            exec("UPDATE dictionaries SET current_run_id = " + runId + " WHERE dictionary_id = " + dict.id());
            exec("COMMIT");
            inTransaction = false;
            finished = true;
            ACTIVE.remove(activeKey(path, runId));
        } catch (SQLException e) {
            rollbackQuietly();
            throw StoreFiles.fail(path, "commit analysis of " + dict.name(), e);
        }
        try {   // published: removing the replaced rows is housekeeping, retried by the next beginAnalysis
            exec("BEGIN IMMEDIATE");
            inTransaction = true;
            purgeSuperseded(conn);
            exec("COMMIT");
            inTransaction = false;
        } catch (SQLException e) {
            rollbackQuietly();
        }
    }

    /** Without a prior commit: discards everything staged (best effort; leftovers are cleaned by the next run). */
    @Override
    public void close() {
        try {
            if (!finished) {
                rollbackQuietly();
                try {
                    exec("BEGIN IMMEDIATE");
                    inTransaction = true;
                    purgeRun(conn, runId);
                    exec("COMMIT");
                    inTransaction = false;
                } catch (SQLException e) {
                    rollbackQuietly();   // e.g. the connection is gone: the run stays 'writing' and is removed later
                }
            }
        } finally {
            finished = true;
            ACTIVE.remove(activeKey(path, runId));
            for (PreparedStatement ps : statements) try { ps.close(); } catch (SQLException ignored) { /* closing anyway */ }
            closeQuietly(conn);
        }
    }

    /** The writer's own connection; tests close it to simulate a writer that dies mid-write. */
    Connection connectionForTest() { return conn; }

    // ---- staging -------------------------------------------------------------------------------

    private PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = conn.prepareStatement(sql);
        statements.add(ps);
        return ps;
    }

    private void add(PreparedStatement ps, Object... values) {
        if (finished) throw new IllegalStateException("analysis run " + runId + " is already finished");
        try {
            for (int i = 0; i < values.length; i++) ps.setObject(i + 1, values[i]);
            ps.addBatch();   // held in memory: the write lock is taken only while a batch is flushed
            if (++pendingRows >= batchRows) {
                beginIfNeeded();
                for (PreparedStatement s : statements) s.executeBatch();
                exec("COMMIT");
                inTransaction = false;
                pendingRows = 0;
            }
        } catch (SQLException e) {
            rollbackQuietly();
            throw StoreFiles.fail(path, "write analysis of " + dict.name(), e);
        }
    }

    private void beginIfNeeded() throws SQLException {
        if (!inTransaction) {
            exec("BEGIN IMMEDIATE");
            inTransaction = true;
        }
    }

    private void checkFeature(int feature) {
        if (feature < 0 || feature >= dict.dFeatures())
            throw new ConfigException("feature index " + feature + " is out of range for dictionary " + dict.name() + " (0.." + (dict.dFeatures() - 1) + ")");
    }

    private void checkDictionary(long id) {
        if (knownDictionaries.contains(id)) return;
        try {
            if (stringQuery("SELECT name FROM dictionaries WHERE dictionary_id = " + id) == null)
                throw new ConfigException("neighbours of " + dict.name() + " refer to dictionary id " + id + ", which is not in " + path + "; put it first");
        } catch (SQLException e) {
            throw StoreFiles.fail(path, "write analysis of " + dict.name(), e);
        }
        knownDictionaries.add(id);
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = conn.createStatement()) { s.executeUpdate(sql); }
    }

    private String stringQuery(String sql) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    private void rollbackQuietly() {
        pendingRows = 0;
        try {
            for (PreparedStatement ps : statements) ps.clearBatch();
            if (inTransaction) exec("ROLLBACK");
        } catch (SQLException ignored) { /* connection gone: SQLite discards the open transaction itself */ }
        inTransaction = false;
    }

    // ---- clean-up of dead and replaced runs ----------------------------------------------------

    /** Deletes runs of this dictionary left 'writing' by dead writers, and every superseded run. */
    private static void cleanUp(Connection c, Path path, DictionaryInfo dict) throws SQLException {
        List<Long> stale = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT run_id, writer_pid, writer_started, started_at FROM analysis_runs WHERE dictionary_id = ? AND status = 'writing'")) {
            ps.setLong(1, dict.id());
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    long run = r.getLong(1), pid = r.getLong(2);
                    if (writerAlive(path, run, pid, r.getString(3)))
                        throw new LoupeException("dictionary " + dict.name() + " in " + path + " is being analysed by process " + pid + " (since "
                                + r.getString(4) + "); wait for it to finish or stop it, then retry");
                    stale.add(run);
                }
            }
        }
        for (long run : stale) purgeRun(c, run);
        purgeSuperseded(c);
    }

    private static String activeKey(Path path, long runId) {
        return path.toAbsolutePath().normalize() + "#" + runId;
    }

    private static boolean writerAlive(Path path, long runId, long pid, String started) {
        ProcessHandle self = ProcessHandle.current();
        if (pid == self.pid()) return ACTIVE.contains(activeKey(path, runId));
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(AnalysisWriter::startInstant)
                .map(s -> s.equals(started)).orElse(false);
    }

    private static String startInstant(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toString).orElse("");
    }

    private static void purgeSuperseded(Connection c) throws SQLException {
        List<Long> runs = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT run_id FROM analysis_runs WHERE status = 'superseded'")) {
            while (r.next()) runs.add(r.getLong(1));
        }
        for (long run : runs) purgeRun(c, run);
    }

    /** A run's excerpts: excerpt_id = run_id * 2^32 + n (V004.sql), one rowid range. */
    private static String excerptRange(long runId) {
        return "excerpt_id BETWEEN " + (runId << 32) + " AND " + ((runId << 32) + EXCERPT_MASK);
    }

    private static void purgeRun(Connection c, long runId) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String table : RUN_TABLES) s.executeUpdate("DELETE FROM " + table + " WHERE run_id = " + runId);
            s.executeUpdate("DELETE FROM excerpts WHERE " + excerptRange(runId));   // before the run's status goes: the FTS trigger reads it
            s.executeUpdate("DELETE FROM analysis_runs WHERE run_id = " + runId);
        }
    }

    private static void closeQuietly(Connection c) {
        try { c.close(); } catch (SQLException ignored) { /* nothing useful to do on close failure */ }
    }
}
