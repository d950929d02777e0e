package dev.loupe.interp;

import dev.loupe.plot.Plots;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison report of {@code loupe interp report} (the analogue of Cunningham et al. Fig. 2):
 * per basis (SAE, neurons, PCA, ICA, random directions, random-weights model …) the mean
 * top-and-random and random-only scores with bootstrap 95% CIs, as a Markdown table and a PNG bar
 * chart with error bars. Undefined scores are excluded from the means and counted in the table.
 * The same for the other scorers ({@link ScorerKind}): detection and fuzzing compare balanced accuracy
 * and AUC, ablation its one score.
 */
public final class InterpReport {
    private InterpReport() {}

    public static String table(Map<String, AutoInterp.Summary> byBasis) { return table(byBasis, ScorerKind.SIMULATION); }

    /** The table for one scorer: its one or two score columns (a summary's second CI is unused for ablation). */
    public static String table(Map<String, AutoInterp.Summary> byBasis, ScorerKind scorer) {
        List<String> labels = scorer.labels();
        boolean two = labels.size() == 2;
        StringBuilder sb = new StringBuilder("| basis | scored | skipped | failed | " + labels.get(0) + " (95% CI) | ");
        sb.append(two ? labels.get(1) + " (95% CI) | undefined (" + abbreviation(labels.get(0)) + " / " + abbreviation(labels.get(1)) + ") |\n" : "undefined |\n");
        sb.append(two ? "|---|---:|---:|---:|---|---|---|\n" : "|---|---:|---:|---:|---|---|\n");
        for (var e : byBasis.entrySet()) {
            AutoInterp.Summary s = e.getValue();
            sb.append("| ").append(e.getKey()).append(" | ").append(s.done()).append(" | ").append(s.skipped()).append(" | ").append(s.failed())
                    .append(" | ").append(ci(s.topAndRandom())).append(" | ");
            if (two) sb.append(ci(s.randomOnly())).append(" | ").append(s.topAndRandom().undefined()).append(" / ").append(s.randomOnly().undefined()).append(" |\n");
            else sb.append(s.topAndRandom().undefined()).append(" |\n");
        }
        return sb.toString();
    }

    /** "top-and-random" → "t&r", "detection AUC" → "d-A": the initials of a label's words. */
    private static String abbreviation(String label) {
        if (label.equals("top-and-random")) return "t&r";
        if (label.equals("random-only")) return "r-o";
        StringBuilder b = new StringBuilder();
        for (String w : label.split("[ .]+")) if (!w.isEmpty()) b.append(b.isEmpty() ? "" : "-").append(w.charAt(0));
        return b.toString();
    }

    /**
     * The per-basis summaries of dictionaries in a feature store, for one explanation method and
     * simulator (the same explainer and simulator for every basis, as the comparison requires),
     * labelled "name (kind)". Scored = features with a stored score; skipped = recorded skips.
     */
    public static Map<String, AutoInterp.Summary> fromStore(FeatureStore store, List<DictionaryInfo> dictionaries, String method, String simulator,
                                                            int resamples, long seed) {
        return fromStore(store, dictionaries, method, simulator, ScorerKind.SIMULATION, resamples, seed);
    }

    /**
     * As above for one scorer's stored kinds. Failed = features whose scorer failure is recorded
     * (interp_skips under {@link ScorerKind#noteKey}) and that have no score of it since.
     */
    public static Map<String, AutoInterp.Summary> fromStore(FeatureStore store, List<DictionaryInfo> dictionaries, String method, String simulator,
                                                            ScorerKind scorer, int resamples, long seed) {
        Map<String, AutoInterp.Summary> out = new LinkedHashMap<>();
        List<String> kinds = scorer.storedKinds();
        for (DictionaryInfo d : dictionaries) {
            Map<Integer, Double> first = store.latestScores(d.id(), method, kinds.get(0), simulator);
            Map<Integer, Double> second = kinds.size() > 1 ? store.latestScores(d.id(), method, kinds.get(1), simulator) : Map.of();
            int failed = 0;
            if (scorer != ScorerKind.SIMULATION) {
                for (var n : store.interpSkips(d.id(), scorer.noteKey(method)).entrySet())
                    if (n.getValue().startsWith("failed") && !first.containsKey(n.getKey())) failed++;
            }
            out.put(d.name() + " (" + d.kind() + ")", new AutoInterp.Summary(InterpPipeline.meanCi(first.values(), resamples, seed),
                    InterpPipeline.meanCi(second.values(), resamples, seed + 1), first.size(), store.interpSkips(d.id(), method).size(), failed));
        }
        return out;
    }

    static String ci(Bootstrap.MeanCi c) {
        if (c.n() == 0) return "n/a";
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", c.mean(), c.lo(), c.hi());
    }

    /**
     * Writes the bar chart (via {@link Plots#bars}): per basis, the two means with error bars. XChart
     * draws symmetric bars, so each bar's half-width is the larger side of its bootstrap CI
     * (conservative; the table has the exact interval). A basis with no defined score draws 0.
     */
    public static void png(Map<String, AutoInterp.Summary> byBasis, Path out) { png(byBasis, out, ScorerKind.SIMULATION); }

    /** The chart for one scorer: one bar group per stored kind. */
    public static void png(Map<String, AutoInterp.Summary> byBasis, Path out, ScorerKind scorer) {
        List<String> names = List.copyOf(byBasis.keySet());
        double[][] mean = new double[2][names.size()], err = new double[2][names.size()];
        for (int i = 0; i < names.size(); i++) {
            AutoInterp.Summary s = byBasis.get(names.get(i));
            List<Bootstrap.MeanCi> cis = List.of(s.topAndRandom(), s.randomOnly());
            for (int k = 0; k < 2; k++) {
                Bootstrap.MeanCi c = cis.get(k);
                if (c.n() == 0) continue;
                mean[k][i] = c.mean();
                err[k][i] = Math.max(c.mean() - c.lo(), c.hi() - c.mean());
            }
        }
        Map<String, double[]> groups = new LinkedHashMap<>(), errors = new LinkedHashMap<>();
        for (int k = 0; k < scorer.labels().size(); k++) {
            groups.put(scorer.labels().get(k), mean[k]);
            errors.put(scorer.labels().get(k), err[k]);
        }
        String title = scorer == ScorerKind.SIMULATION ? "Auto-interp score" : "Auto-interp " + scorer.flag() + " score";
        Plots.bars(out, title + " by basis (mean, 95% bootstrap CI)", scorer.axis(), names, groups, errors);
    }
}
