// The feature store: one SQLite file per workspace holding models, dictionaries, published feature
// analyses, explanations with scores, and probe results (schema: resources migrations/V001.sql).
// This class opens the file (read-write: WAL, migrations applied; or read-only for the browser),
// writes the catalog, explanations and probes, starts analysis runs (AnalysisWriter) and answers
// queries (delegated to FeatureQueries). It is not thread-safe: use one instance per thread;
// any number of processes may read while one writes.
//
// Consistency: an analysis is staged under a new run id and published by one transaction that
// points dictionaries.current_run_id at it, so readers see the old analysis or the new one, never
// a mix, and a killed writer leaves the previous analysis in place (see AnalysisWriter).
package dev.loupe.store;

import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;
import dev.loupe.util.LoupeException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

public final class FeatureStore implements AutoCloseable {
    static final int DEFAULT_BUSY_MILLIS = 10_000;

    private final Path path;
    private final Connection conn;
    private final boolean readOnly;
    private final FeatureQueries queries;
    private int depth;                   // transaction nesting: only the outermost call begins/commits
    private int analysisBatchRows = AnalysisWriter.BATCH_ROWS;

    private FeatureStore(Path path, Connection conn, boolean readOnly) {
        this.path = path;
        this.conn = conn;
        this.readOnly = readOnly;
        this.queries = new FeatureQueries(this);
    }

    /** Rows an AnalysisWriter stages per transaction (default 50,000); less bounds its memory, and lets tests see batches mid-run. */
    public void setAnalysisBatchRows(int rows) {
        if (rows < 1) throw new ConfigException("analysis batch rows " + rows + " must be >= 1");
        analysisBatchRows = rows;
    }

    /** Opens (creating if needed) a store for reading and writing, upgrading its schema to the latest. */
    public static FeatureStore open(Path path) { return open(path, false, DEFAULT_BUSY_MILLIS); }

    /** Opens an existing store read-only (what the browser uses); its schema must be Migrations.READABLE_FROM or later. */
    public static FeatureStore openReadOnly(Path path) { return open(path, true, DEFAULT_BUSY_MILLIS); }

    static FeatureStore open(Path path, boolean readOnly, int busyMillis) {
        Connection c = StoreFiles.connect(path, readOnly, busyMillis);
        try {
            int v = Migrations.version(c, path);
            Migrations.checkNotNewer(v, path);
            if (readOnly && v == 0)
                throw new FormatException("feature store " + path + " is an empty SQLite database, not a Loupe store; create it with `loupe analyze`");
            if (readOnly && v < Migrations.READABLE_FROM)
                throw new FormatException("feature store " + path + " has schema version " + v + " but this Loupe reads " + Migrations.READABLE_FROM + " or later"
                        + "; open it read-write once (any writing Loupe command) to upgrade it");
            if (!readOnly && v < Migrations.LATEST) Migrations.migrate(c, path);
            if (readOnly) Migrations.readOnlyViews(c, v);
            return new FeatureStore(path, c, readOnly);
        } catch (SQLException e) {
            closeQuietly(c);
            throw StoreFiles.fail(path, "open", e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    public Path path() { return path; }
    public boolean readOnly() { return readOnly; }
    public int schemaVersion() { return read("schema version", () -> Migrations.version(conn, path)); }

    @Override public void close() { closeQuietly(conn); }

    // ---- catalog -------------------------------------------------------------------------------

    /** Inserts a model or updates the one with the same name; returns its id. */
    public long putModel(ModelInfo m) {
        return write("put model " + m.name(), () -> {
            try (PreparedStatement ps = conn.prepareStatement("""
                    INSERT INTO models(name, architecture, path, config_json, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET architecture = excluded.architecture, path = excluded.path, config_json = excluded.config_json""")) {
                ps.setString(1, m.name()); ps.setString(2, m.architecture()); ps.setString(3, m.path());
                ps.setString(4, m.configJson()); ps.setString(5, Instant.now().toString());
                ps.executeUpdate();
            }
            return longQuery("SELECT model_id FROM models WHERE name = ?", m.name());
        });
    }

    /**
     * Inserts a dictionary or updates path, eval metrics and config of the one with the same name.
     * Refuses to change the model, hook, kind or sizes of an existing name (its analyses would no longer fit).
     */
    public long putDictionary(DictionaryInfo d) {
        return write("put dictionary " + d.name(), () -> {
            Optional<DictionaryInfo> old = dictionary(d.name());
            if (old.isPresent()) {
                DictionaryInfo o = old.get();
                if (o.modelId() != d.modelId() || !o.hook().equals(d.hook()) || !o.kind().equals(d.kind())
                        || o.dIn() != d.dIn() || o.dFeatures() != d.dFeatures())
                    throw new ConfigException("dictionary " + d.name() + " already exists in " + path + " with model " + o.modelId() + ", hook "
                            + o.hook() + ", kind " + o.kind() + ", " + o.dIn() + "x" + o.dFeatures() + "; give the new dictionary another name");
                try (PreparedStatement ps = conn.prepareStatement("UPDATE dictionaries SET path = ?, eval_json = ?, config_json = ? WHERE dictionary_id = ?")) {
                    ps.setString(1, d.path()); ps.setString(2, d.evalJson()); ps.setString(3, d.configJson()); ps.setLong(4, o.id());
                    ps.executeUpdate();
                }
                return o.id();
            }
            if (longQuery("SELECT count(*) FROM models WHERE model_id = ?", d.modelId()) == 0)
                throw new ConfigException("dictionary " + d.name() + " refers to model id " + d.modelId() + ", which is not in " + path + "; put the model first");
            try (PreparedStatement ps = conn.prepareStatement("""
                    INSERT INTO dictionaries(name, model_id, hook, kind, d_in, d_features, path, eval_json, config_json, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, d.name()); ps.setLong(2, d.modelId()); ps.setString(3, d.hook()); ps.setString(4, d.kind());
                ps.setInt(5, d.dIn()); ps.setInt(6, d.dFeatures()); ps.setString(7, d.path()); ps.setString(8, d.evalJson());
                ps.setString(9, d.configJson()); ps.setString(10, Instant.now().toString());
                ps.executeUpdate();
            }
            return longQuery("SELECT dictionary_id FROM dictionaries WHERE name = ?", d.name());
        });
    }

    /** Replaces a dictionary's evaluation metrics (JSON object: fvu, l0, dead_fraction, ce_recovered, ...). */
    public void setEvalMetrics(long dictionaryId, String evalJson) {
        write("set eval metrics", () -> {
            try (PreparedStatement ps = conn.prepareStatement("UPDATE dictionaries SET eval_json = ? WHERE dictionary_id = ?")) {
                ps.setString(1, evalJson); ps.setLong(2, dictionaryId);
                if (ps.executeUpdate() != 1) throw unknownDictionary(dictionaryId);
            }
            return null;
        });
    }

    public List<ModelInfo> models() {
        return read("list models", () -> {
            List<ModelInfo> out = new ArrayList<>();
            try (Statement s = conn.createStatement();
                 ResultSet r = s.executeQuery("SELECT model_id, name, architecture, path, config_json FROM models ORDER BY model_id")) {
                while (r.next()) out.add(new ModelInfo(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5)));
            }
            return out;
        });
    }

    public List<DictionaryInfo> dictionaries() {
        return read("list dictionaries", () -> dictionariesWhere("1 = 1", null));
    }

    public Optional<DictionaryInfo> dictionary(String name) {
        return read("find dictionary", () -> dictionariesWhere("name = ?", name).stream().findFirst());
    }

    /** The dictionary with this name; fails with a message listing the names in the store when there is none. */
    public DictionaryInfo requireDictionary(String name) {
        return dictionary(name).orElseThrow(() -> new ConfigException("no dictionary named '" + name + "' in feature store " + path + "; it has "
                + (dictionaries().isEmpty() ? "none (run `loupe analyze` first)" : String.join(", ", dictionaries().stream().map(DictionaryInfo::name).toList()))));
    }

    /** The dictionary with this id; fails with a clear message when there is none. */
    public DictionaryInfo dictionary(long id) {
        return read("find dictionary", () -> dictionariesWhere("dictionary_id = ?", id).stream().findFirst()
                .orElseThrow(() -> unknownDictionary(id)));
    }

    private List<DictionaryInfo> dictionariesWhere(String where, Object arg) throws SQLException {
        List<DictionaryInfo> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT dictionary_id, name, model_id, hook, kind, d_in, d_features, path, eval_json, "
                + "config_json, coalesce(current_run_id, 0) FROM dictionaries WHERE " + where + " ORDER BY dictionary_id")) {
            if (arg != null) ps.setObject(1, arg);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next())
                    out.add(new DictionaryInfo(r.getLong(1), r.getString(2), r.getLong(3), r.getString(4), r.getString(5), r.getInt(6),
                            r.getInt(7), r.getString(8), r.getString(9), r.getString(10), r.getLong(11)));
            }
        }
        return out;
    }

    // ---- analysis runs -------------------------------------------------------------------------

    /**
     * Starts staging a new analysis of a dictionary. Nothing it writes is visible until
     * {@link AnalysisWriter#commit()}; closing it without commit discards it.
     */
    public AnalysisWriter beginAnalysis(long dictionaryId, String provenanceJson) {
        requireWritable("write an analysis");
        return AnalysisWriter.begin(this, dictionary(dictionaryId), provenanceJson == null ? "{}" : provenanceJson, analysisBatchRows);
    }

    // ---- explanations and scores ---------------------------------------------------------------

    /** Stores an explanation and its scores; returns its id. */
    public long addExplanation(Explanation e) {
        DictionaryInfo d = dictionary(e.dictionaryId());
        if (e.feature() >= d.dFeatures())
            throw new ConfigException("explanation for feature " + e.feature() + " of dictionary " + d.name() + ", which has only " + d.dFeatures() + " features");
        return write("add explanation", () -> {
            long id;
            try (PreparedStatement ps = conn.prepareStatement("""
                    INSERT INTO explanations(dictionary_id, feature, text, method, explainer_model, prompt_hash, cost_usd, provenance_json, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setLong(1, e.dictionaryId()); ps.setInt(2, e.feature()); ps.setString(3, e.text()); ps.setString(4, e.method());
                ps.setString(5, e.explainerModel()); ps.setString(6, e.promptHash()); ps.setDouble(7, e.costUsd());
                ps.setString(8, e.provenanceJson()); ps.setString(9, Instant.now().toString());
                ps.executeUpdate();
            }
            id = longQuery("SELECT last_insert_rowid()");
            for (Score s : e.scores()) insertScore(id, s);
            return id;
        });
    }

    /** Adds (or replaces, for the same kind and simulator) a score of a stored explanation. */
    public void addScore(long explanationId, Score s) {
        write("add score", () -> {
            if (longQuery("SELECT count(*) FROM explanations WHERE explanation_id = ?", explanationId) == 0)
                throw new ConfigException("no explanation with id " + explanationId + " in " + path + "; add the explanation first");
            insertScore(explanationId, s);
            return null;
        });
    }

    private void insertScore(long explanationId, Score s) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT OR REPLACE INTO scores(explanation_id, kind, simulator, value, created_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, explanationId); ps.setString(2, s.kind()); ps.setString(3, s.simulator());
            if (s.defined()) ps.setDouble(4, s.value()); else ps.setNull(4, java.sql.Types.REAL);   // undefined, never 0
            ps.setString(5, Instant.now().toString());
            ps.executeUpdate();
        }
        // Recomputed rather than max-updated so a replaced (lower, or now undefined) score cannot
        // leave a stale best; undefined scores are never a best.
        long dict = longQuery("SELECT dictionary_id FROM explanations WHERE explanation_id = ?", explanationId);
        long feature = longQuery("SELECT feature FROM explanations WHERE explanation_id = ?", explanationId);
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM feature_best_scores WHERE dictionary_id = ? AND kind = ? AND feature = ?")) {
            ps.setLong(1, dict); ps.setString(2, s.kind()); ps.setLong(3, feature);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = conn.prepareStatement("""
                INSERT INTO feature_best_scores(dictionary_id, kind, feature, value, explanation_id)
                SELECT e.dictionary_id, s.kind, e.feature, s.value, e.explanation_id
                FROM scores s JOIN explanations e ON e.explanation_id = s.explanation_id
                WHERE e.dictionary_id = ? AND e.feature = ? AND s.kind = ? AND s.value IS NOT NULL
                ORDER BY s.value DESC, e.explanation_id LIMIT 1""")) {
            ps.setLong(1, dict); ps.setLong(2, feature); ps.setString(3, s.kind());
            ps.executeUpdate();
        }
    }

    public List<Explanation> explanations(long dictionaryId, int feature) {
        return read("read explanations", () -> queries.explanations(dictionaryId, feature));
    }

    /** Features of a dictionary that already have an explanation made by {@code method} (what a resumed run skips). */
    public Set<Integer> explainedFeatures(long dictionaryId, String method) {
        return read("read explained features", () -> queries.explainedFeatures(dictionaryId, method));
    }

    /**
     * Per feature, the {@code kind} score by {@code simulator} of its latest {@code method}
     * explanation that has one (NaN: undefined); features without such a score are absent.
     */
    public Map<Integer, Double> latestScores(long dictionaryId, String method, String kind, String simulator) {
        return read("read scores", () -> queries.latestScores(dictionaryId, method, kind, simulator));
    }

    /** Records that auto-interp skipped a feature for {@code method} and why (replacing an older reason). */
    public void addInterpSkip(long dictionaryId, int feature, String method, String reason) {
        write("record skipped feature", () -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT OR REPLACE INTO interp_skips(dictionary_id, feature, method, reason, created_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setLong(1, dictionaryId); ps.setInt(2, feature); ps.setString(3, method); ps.setString(4, reason);
                ps.setString(5, Instant.now().toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Features auto-interp skipped for {@code method}, with the recorded reason. */
    public Map<Integer, String> interpSkips(long dictionaryId, String method) {
        return read("read skipped features", () -> queries.interpSkips(dictionaryId, method));
    }

    // ---- probes --------------------------------------------------------------------------------

    /** Stores a probe result with its selected units; returns its id. */
    public long addProbeResult(ProbeResult p) {
        return write("add probe result", () -> {
            try (PreparedStatement ps = conn.prepareStatement("""
                    INSERT INTO probe_results(concept, model_id, hook, dictionary_id, unit_kind, k, method, metrics_json, provenance_json, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, p.concept()); ps.setLong(2, p.modelId()); ps.setString(3, p.hook());
                if (p.dictionaryId() == 0) ps.setNull(4, java.sql.Types.INTEGER); else ps.setLong(4, p.dictionaryId());
                ps.setString(5, p.unitKind().sql()); ps.setInt(6, p.k()); ps.setString(7, p.method());
                ps.setString(8, Json.write(p.metrics())); ps.setString(9, p.provenanceJson()); ps.setString(10, Instant.now().toString());
                ps.executeUpdate();
            }
            long id = longQuery("SELECT last_insert_rowid()");
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO probe_units(probe_id, slot, unit, weight) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < p.k(); i++) {
                    ps.setLong(1, id); ps.setInt(2, i); ps.setInt(3, p.units()[i]); ps.setFloat(4, p.weights()[i]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return id;
        });
    }

    /** Probe results for a concept, ordered by unit kind and k. */
    public List<ProbeResult> probeResults(String concept) {
        return read("read probe results", () -> queries.probes("p.concept = ?", concept));
    }

    /** Probe results that selected a given neuron of a model's hook. */
    public List<ProbeResult> probesForNeuron(long modelId, String hook, int neuron) {
        return read("read probe results", () -> queries.probesForUnit(ProbeResult.UnitKind.NEURON, modelId, hook, 0, neuron));
    }

    // ---- queries -------------------------------------------------------------------------------

    /** One kind of example (TOP, QUANTILE, RANDOM) of a feature from the published analysis, by group and rank. */
    public List<Example> examples(long dictionaryId, int feature, Example.Kind kind) {
        return read("read examples", () -> queries.examples(dictionary(dictionaryId), feature, kind));
    }

    /** A feature's per-token table (its token look-up table) from the published analysis, by mean activation. */
    public List<TokenStat> tokenStats(long dictionaryId, int feature) {
        return read("read token stats", () -> queries.tokenStats(dictionary(dictionaryId), feature));
    }

    /** One page of a dictionary's features from its published analysis. */
    public Page<FeatureSummary> listFeatures(long dictionaryId, FeatureQuery q) {
        return read("list features", () -> queries.list(dictionary(dictionaryId), q));
    }

    /** Everything about one feature, read in one snapshot; empty when the dictionary has no published analysis. */
    public Optional<FeatureDetail> feature(long dictionaryId, int feature) {
        return read("read feature", () -> queries.detail(dictionary(dictionaryId), feature));
    }

    /**
     * Full-text search over explanations and example text of published analyses. The words of
     * {@code text} are matched as plain terms (all must occur; FTS5 syntax characters are not
     * interpreted), so any user input is safe.
     */
    public List<SearchHit> search(String text, int limit) {
        return read("search", () -> queries.search(text, limit));
    }

    /** Features of a dictionary that fire most on a token (by mean activation, from the per-token tables). */
    public List<TokenFeature> featuresForToken(long dictionaryId, int tokenId, int limit) {
        return read("features for token", () -> queries.featuresForToken(dictionary(dictionaryId), tokenId, limit));
    }

    /** Compares dictionary A with B using the matches A's published analysis stored for B. */
    public DictionaryComparison compare(long dictionaryA, long dictionaryB) {
        return read("compare dictionaries", () -> queries.compare(dictionary(dictionaryA), dictionary(dictionaryB)));
    }

    // ---- plumbing shared with AnalysisWriter and FeatureQueries ------------------------------

    interface SqlWork<T> { T run() throws SQLException; }

    Connection connection() { return conn; }

    void requireWritable(String what) {
        if (readOnly) throw new LoupeException("feature store " + path + " is open read-only; cannot " + what + ", open it read-write");
    }

    /** Runs work in one immediate (write-locking) transaction; rolls back on any failure. */
    <T> T write(String action, SqlWork<T> work) {
        requireWritable(action);
        return transaction("BEGIN IMMEDIATE", action, work);
    }

    /** Runs reads in one transaction so that they all see the same snapshot. */
    <T> T read(String action, SqlWork<T> work) {
        return transaction("BEGIN", action, work);
    }

    private <T> T transaction(String begin, String action, SqlWork<T> work) {
        if (depth > 0) {                 // nested call: already inside the caller's transaction
            try {
                return work.run();
            } catch (SQLException e) {
                throw StoreFiles.fail(path, action, e);
            }
        }
        depth++;
        try (Statement s = conn.createStatement()) {
            s.executeUpdate(begin);
            try {
                T result = work.run();
                s.executeUpdate("COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                try { s.executeUpdate("ROLLBACK"); } catch (SQLException ignored) { /* report the original failure */ }
                throw e;
            }
        } catch (SQLException e) {
            throw StoreFiles.fail(path, action, e);
        } finally {
            depth--;
        }
    }

    long longQuery(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet r = ps.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        }
    }

    ConfigException unknownDictionary(long id) {
        return new ConfigException("no dictionary with id " + id + " in feature store " + path + "; check the dictionary id (FeatureStore.dictionaries() lists them)");
    }

    private static void closeQuietly(Connection c) {
        try { c.close(); } catch (SQLException ignored) { /* nothing useful to do on close failure */ }
    }
}
