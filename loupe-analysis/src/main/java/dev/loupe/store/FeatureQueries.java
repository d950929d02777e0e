// Read queries of the feature store, run inside FeatureStore.read transactions (one snapshot per
// call). Every per-run table is reached through dictionaries.current_run_id, so staged or killed
// analysis runs are never read. Sort columns are indexed (V001.sql) and filters are written as
// `+column` so SQLite never trades the sort index for a filter index: a page costs O(limit) row
// visits for loose filters at any depth with keyset cursors (verified by EXPLAIN QUERY PLAN tests).
package dev.loupe.store;

import dev.loupe.util.ConfigException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

final class FeatureQueries {
    private final FeatureStore store;

    FeatureQueries(FeatureStore store) { this.store = store; }

    private Connection conn() { return store.connection(); }

    // ---- feature list --------------------------------------------------------------------------

    private record Sql(String text, List<Object> args) {}

    private static Sql listSql(DictionaryInfo d, FeatureQuery q) {
        List<Object> args = new ArrayList<>();
        boolean byScore = q.sort() == FeatureQuery.Sort.SCORE;
        String col = switch (q.sort()) {
            case FEATURE -> "f.feature";
            case DENSITY -> "f.density";
            case MEAN_ACT -> "f.mean_act";
            case MAX_ACT -> "f.max_act";
            case SCORE -> "s.value";
        };
        String tie = byScore ? "s.feature" : "f.feature";
        StringBuilder sql = new StringBuilder("SELECT f.feature, f.density, f.mean_act, f.max_act, f.fire_count, s.value, e.text ");
        if (byScore) {
            sql.append("FROM feature_best_scores s JOIN features f ON f.run_id = ? AND f.feature = s.feature ");
            args.add(d.currentRunId());
            sql.append("LEFT JOIN explanations e ON e.explanation_id = s.explanation_id WHERE s.dictionary_id = ? AND s.kind = ? ");
            args.add(d.id()); args.add(q.scoreKind());
        } else {
            sql.append("FROM features f LEFT JOIN feature_best_scores s ON s.dictionary_id = ? AND s.kind = ? AND s.feature = f.feature ");
            args.add(d.id()); args.add(q.scoreKind());
            sql.append("LEFT JOIN explanations e ON e.explanation_id = s.explanation_id WHERE f.run_id = ? ");
            args.add(d.currentRunId());
        }
        if (q.minDensity() > 0 || q.maxDensity() < 1) {
            sql.append("AND +f.density BETWEEN ? AND ? ");
            args.add(q.minDensity()); args.add(q.maxDensity());
        }
        if (q.minMaxAct() > Double.NEGATIVE_INFINITY) {
            sql.append("AND +f.max_act >= ? ");
            args.add(q.minMaxAct());
        }
        String cmp = q.descending() ? "<" : ">";
        if (q.after() != null) {
            if (q.sort() == FeatureQuery.Sort.FEATURE) {
                sql.append("AND f.feature ").append(cmp).append(" ? ");
            } else {
                sql.append("AND (").append(col).append(", ").append(tie).append(") ").append(cmp).append(" (?, ?) ");
                args.add(q.after().value());
            }
            args.add(q.after().feature());
        }
        String dir = q.descending() ? " DESC" : " ASC";
        sql.append("ORDER BY ").append(col).append(dir);
        if (q.sort() != FeatureQuery.Sort.FEATURE) sql.append(", ").append(tie).append(dir);
        sql.append(" LIMIT ? OFFSET ?");
        args.add(q.limit()); args.add(q.offset());
        return new Sql(sql.toString(), args);
    }

    Page<FeatureSummary> list(DictionaryInfo d, FeatureQuery q) throws SQLException {
        if (d.currentRunId() == 0) return new Page<>(List.of(), null);
        Sql sql = listSql(d, q);
        List<FeatureSummary> items = new ArrayList<>();
        try (PreparedStatement ps = prepare(sql)) {
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) items.add(summary(r));
            }
        }
        FeatureQuery.Cursor next = null;
        if (items.size() == q.limit()) {
            FeatureSummary last = items.getLast();
            double v = switch (q.sort()) {
                case FEATURE -> last.feature();
                case DENSITY -> last.density();
                case MEAN_ACT -> last.meanAct();
                case MAX_ACT -> last.maxAct();
                case SCORE -> last.score();
            };
            next = new FeatureQuery.Cursor(v, last.feature());
        }
        return new Page<>(items, next);
    }

    /** EXPLAIN QUERY PLAN of the list query, one line per plan step (for tests and diagnostics). */
    List<String> explainList(DictionaryInfo d, FeatureQuery q) throws SQLException {
        Sql sql = listSql(d, q);
        List<String> plan = new ArrayList<>();
        try (PreparedStatement ps = prepare(new Sql("EXPLAIN QUERY PLAN " + sql.text(), sql.args()));
             ResultSet r = ps.executeQuery()) {
            while (r.next()) plan.add(r.getString("detail"));
        }
        return plan;
    }

    private static FeatureSummary summary(ResultSet r) throws SQLException {
        double score = r.getDouble(6);
        if (r.wasNull()) score = Double.NaN;
        return new FeatureSummary(r.getInt(1), r.getDouble(2), r.getDouble(3), r.getDouble(4), r.getLong(5), score, r.getString(7));
    }

    // ---- feature detail ------------------------------------------------------------------------

    Optional<FeatureDetail> detail(DictionaryInfo d, int feature) throws SQLException {
        if (feature < 0 || feature >= d.dFeatures())
            throw new ConfigException("feature " + feature + " is out of range for dictionary " + d.name() + " (0.." + (d.dFeatures() - 1) + ")");
        long run = d.currentRunId();
        if (run == 0) return Optional.empty();
        FeatureSummary summary;
        try (ResultSet r = query("SELECT feature, density, mean_act, max_act, fire_count, NULL, NULL FROM features WHERE run_id = ? AND feature = ?", run, feature)) {
            if (!r.next()) return Optional.empty();
            summary = summary(r);
        }

        Map<String, Double> stats = new LinkedHashMap<>();
        try (ResultSet r = query("SELECT name, value FROM feature_stats WHERE run_id = ? AND feature = ? ORDER BY name", run, feature)) {
            while (r.next()) stats.put(r.getString(1), r.getDouble(2));
        }
        Map<String, Histogram> hists = new LinkedHashMap<>();
        try (ResultSet r = query("SELECT kind, edges, counts FROM histograms WHERE run_id = ? AND feature = ? ORDER BY kind", run, feature)) {
            while (r.next()) hists.put(r.getString(1), new Histogram(Blobs.toFloats(r.getBytes(2), "histograms.edges"), Blobs.toLongs(r.getBytes(3), "histograms.counts")));
        }
        List<Example> top = new ArrayList<>(), quantile = new ArrayList<>(), random = new ArrayList<>();
        try (ResultSet r = query("SELECT " + EXAMPLE_COLUMNS + " FROM " + EXAMPLE_TABLES + " WHERE x.run_id = ? AND x.feature = ? ORDER BY x.kind, x.grp, x.rank", run, feature)) {
            while (r.next()) {
                Example e = example(r);
                (switch (e.kind()) {
                    case TOP -> top;
                    case QUANTILE -> quantile;
                    case RANDOM -> random;
                }).add(e);
            }
        }
        Map<String, LogitTable> byKind = new LinkedHashMap<>();
        try (ResultSet r = query("SELECT kind, positive, negative FROM logits WHERE run_id = ? AND feature = ?", run, feature)) {
            while (r.next()) {
                LogitTable.Kind kind = LogitTable.Kind.valueOf(r.getString(1).toUpperCase(java.util.Locale.ROOT));
                byKind.put(kind.sql(), new LogitTable(kind, PackedRows.logits(r.getString(2), "logits.positive"), PackedRows.logits(r.getString(3), "logits.negative")));
            }
        }
        List<LogitTable> logits = new ArrayList<>();
        for (LogitTable.Kind kind : LogitTable.Kind.values()) {
            LogitTable t = byKind.get(kind.sql());
            if (t != null && (!t.positive().isEmpty() || !t.negative().isEmpty())) logits.add(t);
        }
        List<TokenStat> tokens = tokenStats(d, feature);
        Map<Integer, List<TokenStat>> ranges = new TreeMap<>();
        try (ResultSet r = query("SELECT bins FROM range_tokens WHERE run_id = ? AND feature = ?", run, feature)) {
            if (r.next()) ranges = PackedRows.ranges(r.getString(1), "range_tokens.bins");
        }
        List<Neighbour> near = new ArrayList<>(), out = new ArrayList<>(), in = new ArrayList<>();
        try (ResultSet r = query("SELECT other_dictionary_id, other_feature, cosine FROM neighbours WHERE run_id = ? AND feature = ? "
                + "ORDER BY other_dictionary_id, rank", run, feature)) {
            while (r.next()) (r.getLong(1) == d.id() ? near : out).add(new Neighbour(r.getLong(1), r.getInt(2), r.getFloat(3)));
        }
        try (ResultSet r = query("SELECT dd.dictionary_id, n.feature, n.cosine FROM neighbours n JOIN dictionaries dd ON n.run_id = dd.current_run_id "
                + "WHERE n.other_dictionary_id = ? AND n.other_feature = ? AND dd.dictionary_id <> ? ORDER BY n.cosine DESC", d.id(), feature, d.id())) {
            while (r.next()) in.add(new Neighbour(r.getLong(1), r.getInt(2), r.getFloat(3)));
        }
        List<ProbeResult> probes = probes("p.unit_kind = 'feature' AND p.dictionary_id = ? AND EXISTS (SELECT 1 FROM probe_units u "
                + "WHERE u.probe_id = p.probe_id AND u.unit = ?)", d.id(), feature);
        return Optional.of(new FeatureDetail(d.id(), feature, summary, stats, hists, top, quantile, random, logits, tokens, ranges,
                near, out, in, explanations(d.id(), feature), probes));
    }

    private static final String EXAMPLE_COLUMNS = "x.kind, x.grp, x.rank, w.doc_id, w.position, w.token_ids, x.acts, w.text, w.token_ends";
    private static final String EXAMPLE_TABLES = "examples x JOIN excerpts w ON w.excerpt_id = x.excerpt_id";

    private static Example example(ResultSet r) throws SQLException {
        Example.Kind kind = Example.Kind.valueOf(r.getString(1).toUpperCase());
        int[] ids = Blobs.toInts(r.getBytes(6), "excerpts.token_ids");
        return new Example(kind, r.getInt(2), r.getInt(3), r.getLong(4), r.getInt(5), ids,
                Example.splitTokens(r.getString(8), Blobs.toInts(r.getBytes(9), "excerpts.token_ends")), Blobs.toActivations(r.getBytes(7), ids.length, "examples.acts"));
    }

    /** One kind of example of a feature from the published analysis, by group and rank; empty when there is none. */
    List<Example> examples(DictionaryInfo d, int feature, Example.Kind kind) throws SQLException {
        List<Example> out = new ArrayList<>();
        if (d.currentRunId() == 0) return out;
        try (ResultSet r = query("SELECT " + EXAMPLE_COLUMNS + " FROM " + EXAMPLE_TABLES + " WHERE x.run_id = ? AND x.feature = ? AND x.kind = ? ORDER BY x.grp, x.rank",
                d.currentRunId(), feature, kind.sql())) {
            while (r.next()) out.add(example(r));
        }
        return out;
    }

    /** A feature's per-token table (the token look-up table) from the published analysis, by mean activation. */
    List<TokenStat> tokenStats(DictionaryInfo d, int feature) throws SQLException {
        List<TokenStat> out = new ArrayList<>();
        if (d.currentRunId() == 0) return out;
        try (ResultSet r = query("SELECT tokens FROM token_stats WHERE run_id = ? AND feature = ?", d.currentRunId(), feature)) {
            return r.next() ? PackedRows.tokens(r.getString(1), "token_stats.tokens") : out;
        }
    }

    // ---- search, per-token, compare ------------------------------------------------------------

    List<SearchHit> search(String text, int limit) throws SQLException {
        if (limit < 1) throw new ConfigException("search limit " + limit + " must be >= 1");
        String match = ftsTerms(text);
        if (match.isEmpty()) return List.of();
        List<SearchHit> hits = new ArrayList<>();
        try (ResultSet r = query("SELECT e.dictionary_id, e.feature, snippet(explanations_fts, 0, '[', ']', '...', 12), bm25(explanations_fts) AS rk "
                + "FROM explanations_fts JOIN explanations e ON e.explanation_id = explanations_fts.rowid "
                + "WHERE explanations_fts MATCH ? ORDER BY rk LIMIT ?", match, limit)) {
            while (r.next()) hits.add(new SearchHit(SearchHit.Source.EXPLANATION, r.getLong(1), r.getInt(2), r.getString(3), r.getDouble(4)));
        }
        // The index holds excerpts (windows); excerpt_features maps each to the features with a top or
        // quantile example there. Many windows of one feature can match: keep each feature's best
        // window. Over-fetch to fill the page.
        Set<String> seen = new LinkedHashSet<>();
        try (ResultSet r = query("SELECT d.dictionary_id, x.feature, snippet(examples_fts, 0, '[', ']', '...', 12), bm25(examples_fts) AS rk "
                + "FROM examples_fts JOIN excerpts w ON w.excerpt_id = examples_fts.rowid JOIN dictionaries d ON d.current_run_id = w.run_id "
                + "JOIN excerpt_features x ON x.run_id = w.run_id AND x.excerpt_id = w.excerpt_id "
                + "WHERE examples_fts MATCH ? ORDER BY rk, d.dictionary_id, x.feature LIMIT ?", match, 8L * limit)) {
            while (r.next() && hits.size() < 2 * limit)
                if (seen.add(r.getLong(1) + ":" + r.getInt(2)))
                    hits.add(new SearchHit(SearchHit.Source.EXAMPLE, r.getLong(1), r.getInt(2), r.getString(3), r.getDouble(4)));
        }
        return hits.size() > limit ? List.copyOf(hits.subList(0, limit)) : hits;
    }

    /** Each whitespace-separated word as a quoted FTS5 string (implicit AND), so no input is FTS5 syntax. */
    static String ftsTerms(String text) {
        if (text == null) return "";
        StringBuilder sb = new StringBuilder();
        for (String w : text.trim().split("\\s+")) {
            if (w.isEmpty()) continue;
            if (!sb.isEmpty()) sb.append(' ');
            sb.append('"').append(w.replace("\"", "\"\"")).append('"');
        }
        return sb.toString();
    }

    List<TokenFeature> featuresForToken(DictionaryInfo d, int tokenId, int limit) throws SQLException {
        if (limit < 1) throw new ConfigException("limit " + limit + " must be >= 1");
        List<TokenFeature> out = new ArrayList<>();
        if (d.currentRunId() == 0) return out;
        try (ResultSet r = query("SELECT feature, mean_act, count FROM token_features WHERE run_id = ? AND token_id = ? ORDER BY mean_act DESC, feature LIMIT ?",
                d.currentRunId(), tokenId, limit)) {
            while (r.next()) out.add(new TokenFeature(r.getInt(1), r.getDouble(2), r.getLong(3)));
        }
        return out;
    }

    DictionaryComparison compare(DictionaryInfo a, DictionaryInfo b) throws SQLException {
        if (a.currentRunId() == 0 || b.currentRunId() == 0)
            throw new ConfigException("cannot compare " + a.name() + " with " + b.name() + ": both need a published analysis (run `loupe analyze` on each)");
        List<Double> cos = new ArrayList<>();
        Set<Integer> targets = new LinkedHashSet<>();
        try (ResultSet r = query("SELECT cosine, other_feature FROM neighbours WHERE run_id = ? AND other_dictionary_id = ? AND rank = 0",
                a.currentRunId(), b.id())) {
            while (r.next()) { cos.add(r.getDouble(1)); targets.add(r.getInt(2)); }
        }
        double[] c = cos.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long[] hist = new long[10];
        int above9 = 0, above7 = 0;
        for (double v : c) {
            hist[Math.clamp((int) Math.floor(v * 10), 0, 9)]++;
            if (v > 0.9) above9++;
            if (v > 0.7) above7++;
        }
        int n = c.length;
        double mean = n == 0 ? Double.NaN : Arrays.stream(c).average().orElseThrow();
        double median = n == 0 ? Double.NaN : n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
        double[] sa = runSummary(a.currentRunId()), sb = runSummary(b.currentRunId());
        return new DictionaryComparison(a.id(), b.id(), n, mean, median, n == 0 ? Double.NaN : (double) above9 / n,
                n == 0 ? Double.NaN : (double) above7 / n, hist, targets.size(),
                (int) sa[0], (int) sa[1], sa[2], (int) sb[0], (int) sb[1], sb[2]);
    }

    /** [features, dead, mean density] of a run. */
    private double[] runSummary(long run) throws SQLException {
        try (ResultSet r = query("SELECT count(*), coalesce(sum(fire_count = 0), 0), coalesce(avg(density), 0) FROM features WHERE run_id = ?", run)) {
            r.next();
            return new double[] {r.getLong(1), r.getLong(2), r.getDouble(3)};
        }
    }

    // ---- explanations and probes ---------------------------------------------------------------

    List<Explanation> explanations(long dictionaryId, int feature) throws SQLException {
        Map<Long, List<Score>> scores = new LinkedHashMap<>();
        try (ResultSet r = query("SELECT s.explanation_id, s.kind, s.simulator, s.value FROM scores s JOIN explanations e ON e.explanation_id = s.explanation_id "
                + "WHERE e.dictionary_id = ? AND e.feature = ? ORDER BY s.kind, s.simulator", dictionaryId, feature)) {
            while (r.next()) scores.computeIfAbsent(r.getLong(1), k -> new ArrayList<>()).add(new Score(r.getString(2), r.getString(3), nullableDouble(r, 4)));
        }
        List<Explanation> out = new ArrayList<>();
        try (ResultSet r = query("SELECT explanation_id, text, method, explainer_model, prompt_hash, cost_usd, provenance_json, created_at "
                + "FROM explanations WHERE dictionary_id = ? AND feature = ? ORDER BY explanation_id", dictionaryId, feature)) {
            while (r.next())
                out.add(new Explanation(r.getLong(1), dictionaryId, feature, r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                        r.getDouble(6), r.getString(7), r.getString(8), scores.getOrDefault(r.getLong(1), List.of())));
        }
        return out;
    }

    private static double nullableDouble(ResultSet r, int column) throws SQLException {
        double v = r.getDouble(column);
        return r.wasNull() ? Double.NaN : v;
    }

    /** Features of a dictionary with at least one explanation made by {@code method}. */
    Set<Integer> explainedFeatures(long dictionaryId, String method) throws SQLException {
        Set<Integer> out = new HashSet<>();
        try (ResultSet r = query("SELECT DISTINCT feature FROM explanations WHERE dictionary_id = ? AND method = ?", dictionaryId, method)) {
            while (r.next()) out.add(r.getInt(1));
        }
        return out;
    }

    /**
     * Per feature, the score of {@code kind} by {@code simulator} of its latest explanation made by
     * {@code method} that has such a score; NaN where that score is undefined.
     */
    Map<Integer, Double> latestScores(long dictionaryId, String method, String kind, String simulator) throws SQLException {
        Map<Integer, Double> out = new TreeMap<>();
        try (ResultSet r = query("SELECT e.feature, s.value FROM explanations e JOIN scores s ON s.explanation_id = e.explanation_id "
                + "WHERE e.dictionary_id = ? AND e.method = ? AND s.kind = ? AND s.simulator = ? ORDER BY e.feature, e.explanation_id",
                dictionaryId, method, kind, simulator)) {
            while (r.next()) out.put(r.getInt(1), nullableDouble(r, 2));  // later explanations overwrite earlier ones
        }
        return out;
    }

    /** Features auto-interp skipped for {@code method}, with the reason. */
    Map<Integer, String> interpSkips(long dictionaryId, String method) throws SQLException {
        Map<Integer, String> out = new TreeMap<>();
        try (ResultSet r = query("SELECT feature, reason FROM interp_skips WHERE dictionary_id = ? AND method = ? ORDER BY feature", dictionaryId, method)) {
            while (r.next()) out.put(r.getInt(1), r.getString(2));
        }
        return out;
    }

    List<ProbeResult> probes(String where, Object... args) throws SQLException {
        record Row(long id, String concept, long model, String hook, long dict, String kind, String method, String metrics, String prov) {}
        List<Row> rows = new ArrayList<>();
        try (ResultSet r = query("SELECT p.probe_id, p.concept, p.model_id, p.hook, coalesce(p.dictionary_id, 0), p.unit_kind, p.method, "
                + "p.metrics_json, p.provenance_json FROM probe_results p WHERE " + where + " ORDER BY p.concept, p.unit_kind, p.k, p.probe_id", args)) {
            while (r.next()) rows.add(new Row(r.getLong(1), r.getString(2), r.getLong(3), r.getString(4), r.getLong(5), r.getString(6),
                    r.getString(7), r.getString(8), r.getString(9)));
        }
        List<ProbeResult> out = new ArrayList<>();
        for (Row row : rows) {
            int k = (int) store.longQuery("SELECT count(*) FROM probe_units WHERE probe_id = ?", row.id());
            int[] u = new int[k];
            float[] w = new float[k];
            try (ResultSet r = query("SELECT unit, weight FROM probe_units WHERE probe_id = ? ORDER BY slot", row.id())) {
                for (int i = 0; i < k && r.next(); i++) { u[i] = r.getInt(1); w[i] = r.getFloat(2); }
            }
            out.add(new ProbeResult(row.id(), row.concept(), row.model(), row.hook(), row.dict(), ProbeResult.UnitKind.valueOf(row.kind().toUpperCase()),
                    row.method(), u, w, Json.metrics(row.metrics(), "probe_results.metrics_json"), row.prov()));
        }
        return out;
    }

    List<ProbeResult> probesForUnit(ProbeResult.UnitKind kind, long modelId, String hook, long dictionaryId, int unit) throws SQLException {
        String exists = " AND EXISTS (SELECT 1 FROM probe_units u WHERE u.probe_id = p.probe_id AND u.unit = ?)";
        return kind == ProbeResult.UnitKind.NEURON
                ? probes("p.unit_kind = 'neuron' AND p.model_id = ? AND p.hook = ?" + exists, modelId, hook, unit)
                : probes("p.unit_kind = 'feature' AND p.dictionary_id = ?" + exists, dictionaryId, unit);
    }

    // ---- JDBC helpers --------------------------------------------------------------------------

    private PreparedStatement prepare(Sql sql) throws SQLException {
        PreparedStatement ps = conn().prepareStatement(sql.text());
        for (int i = 0; i < sql.args().size(); i++) ps.setObject(i + 1, sql.args().get(i));
        return ps;
    }

    /** A result set whose statement closes with it. */
    private ResultSet query(String sql, Object... args) throws SQLException {
        PreparedStatement ps = prepare(new Sql(sql, Arrays.asList(args)));
        ps.closeOnCompletion();
        return ps.executeQuery();
    }
}
