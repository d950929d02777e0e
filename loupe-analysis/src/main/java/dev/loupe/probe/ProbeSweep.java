// Sparse probing sweep (Gurnee et al. 2023): split rows by document, rank units on the training
// rows by a selection method, fit the L2 class-balanced logistic probe on the top k units for
// each k of the grid, and report held-out metrics with the selected units. The OPTIMAL method
// runs SparseProbeSearch (k <= 8 only) over the union of the top `screen` units of MEAN_DIFF,
// F_STAT and MUTUAL_INFO. This is the library call behind `loupe probe`; it knows nothing about
// models or dictionaries (ProbeData holds the activations).
package dev.loupe.probe;

import dev.loupe.store.ProbeResult;
import dev.loupe.util.ConfigException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

public final class ProbeSweep {
    private ProbeSweep() {}

    public enum Selection { MEAN_DIFF, F_STAT, MUTUAL_INFO, L1_PATH, OPTIMAL }

    /** ks empty = the default grid for the number of units. l2 is the probe's L2 strength. */
    public record Config(List<Selection> methods, int[] ks, double l2, double testFraction, long seed, int screen) {
        public Config {
            if (methods == null || methods.isEmpty()) throw new ConfigException("probe sweep needs at least one selection method");
            methods = List.copyOf(methods);
            ks = ks == null ? new int[0] : ks.clone();
            for (int k : ks) if (k < 1) throw new ConfigException("probe k " + k + " must be >= 1");
            if (!(l2 > 0)) throw new ConfigException("probe L2 strength " + l2 + " must be > 0");
            if (screen < SparseProbeSearch.MAX_K) throw new ConfigException("screen " + screen + " must be >= " + SparseProbeSearch.MAX_K);
        }

        public static Config defaults() {
            return new Config(List.of(Selection.values()), new int[0], 1e-3, 0.25, 0, 16);
        }
    }

    /** One probe: selection method, k, units (in selection order; ascending for OPTIMAL), weights on standardised units, metrics. */
    public record Row(Selection method, int k, int[] units, double[] weights, Metrics train, Metrics test) {}

    /** The k grid of the paper: 1..8, 10, 12, 16, 32, 64, 128, ... below the number of units, then all. */
    public static int[] kGrid(int units) {
        int cap = units;
        Set<Integer> ks = new LinkedHashSet<>();
        for (int k : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 10, 12}) if (k < cap) ks.add(k);
        for (int k = 16; k < cap; k *= 2) ks.add(k);
        ks.add(cap);
        return ks.stream().mapToInt(Integer::intValue).toArray();
    }

    public static List<Row> sweep(ProbeData d, Config cfg) {
        ProbeData.Split split = d.splitByGroup(cfg.testFraction(), cfg.seed());
        int[] ks = cfg.ks().length == 0 ? kGrid(d.units()) : cfg.ks();
        for (int k : ks)
            if (k > d.units()) throw new ConfigException("probe k " + k + " exceeds the " + d.units() + " units");
        List<Row> rows = new ArrayList<>();
        for (Selection method : cfg.methods()) {
            if (method == Selection.OPTIMAL) {
                int maxK = 0;
                for (int k : ks) if (k <= SparseProbeSearch.MAX_K) maxK = Math.max(maxK, k);
                if (maxK == 0) continue;
                int[] cand = candidates(d, split.train(), Math.max(cfg.screen(), maxK));
                List<SparseProbeSearch.Result> found = SparseProbeSearch.search(d, split.train(), cand, Math.min(maxK, cand.length), cfg.l2());
                for (int k : ks) if (k <= found.size()) rows.add(evaluate(d, split, method, found.get(k - 1).units(), cfg.l2()));
            } else {
                // k = all units needs no order, so the L1 path can stop at the largest smaller k
                int needed = Arrays.stream(ks).filter(k -> k < d.units()).max().orElse(1);
                int[] ranking = UnitRanking.rank(d, split.train(), UnitRanking.Method.valueOf(method.name()), needed);
                for (int k : ks) rows.add(evaluate(d, split, method, UnitRanking.top(ranking, k), cfg.l2()));
            }
        }
        return rows;
    }

    /**
     * The store's record of a probe row (metrics = test-split metrics under the names accuracy, f1,
     * mcc, roc_auc, pr_auc). dictionaryId 0 means the units are neurons of the hook.
     */
    public static ProbeResult toStoreRecord(Row row, String concept, long modelId, String hook, long dictionaryId) {
        return toStoreRecord(row, concept, modelId, hook, dictionaryId, "{}");
    }

    /** As above, with a provenance JSON object (dataset, split) stored alongside. */
    public static ProbeResult toStoreRecord(Row row, String concept, long modelId, String hook, long dictionaryId, String provenanceJson) {
        float[] w = new float[row.weights().length];
        for (int i = 0; i < w.length; i++) w[i] = (float) row.weights()[i];
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", row.test().accuracy());
        metrics.put("f1", row.test().f1());
        metrics.put("mcc", row.test().mcc());
        metrics.put("roc_auc", row.test().rocAuc());
        metrics.put("pr_auc", row.test().prAuc());
        return new ProbeResult(0, concept, modelId, hook, dictionaryId,
                dictionaryId == 0 ? ProbeResult.UnitKind.NEURON : ProbeResult.UnitKind.FEATURE,
                row.method().name().toLowerCase(), row.units(), w, metrics, provenanceJson);
    }

    private static int[] candidates(ProbeData d, int[] train, int screen) {
        Set<Integer> union = new LinkedHashSet<>();
        for (UnitRanking.Method m : new UnitRanking.Method[] {UnitRanking.Method.F_STAT, UnitRanking.Method.MEAN_DIFF, UnitRanking.Method.MUTUAL_INFO})
            for (int u : UnitRanking.top(UnitRanking.rank(d, train, m), screen)) union.add(u);
        return union.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Row evaluate(ProbeData d, ProbeData.Split split, Selection method, int[] units, double l2) {
        LogisticRegression.Model model = LogisticRegression.fit(d, split.train(), units, l2);
        return new Row(method, units.length, units.clone(), model.weights(),
                Metrics.of(labels(d, split.train()), model.logits(d, split.train())),
                Metrics.of(labels(d, split.test()), model.logits(d, split.test())));
    }

    private static int[] labels(ProbeData d, int[] rows) {
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) y[i] = d.y()[rows[i]];
        return y;
    }
}
