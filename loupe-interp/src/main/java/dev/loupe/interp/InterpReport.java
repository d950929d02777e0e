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
 */
public final class InterpReport {
    private InterpReport() {}

    public static String table(Map<String, AutoInterp.Summary> byBasis) {
        StringBuilder sb = new StringBuilder("| basis | scored | skipped | failed | top-and-random (95% CI) | random-only (95% CI) | undefined (t&r / r-o) |\n");
        sb.append("|---|---:|---:|---:|---|---|---|\n");
        for (var e : byBasis.entrySet()) {
            AutoInterp.Summary s = e.getValue();
            sb.append("| ").append(e.getKey()).append(" | ").append(s.done()).append(" | ").append(s.skipped()).append(" | ").append(s.failed())
                    .append(" | ").append(ci(s.topAndRandom())).append(" | ").append(ci(s.randomOnly())).append(" | ")
                    .append(s.topAndRandom().undefined()).append(" / ").append(s.randomOnly().undefined()).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * The per-basis summaries of dictionaries in a feature store, for one explanation method and
     * simulator (the same explainer and simulator for every basis, as the comparison requires),
     * labelled "name (kind)". Scored = features with a stored score; skipped = recorded skips.
     */
    public static Map<String, AutoInterp.Summary> fromStore(FeatureStore store, List<DictionaryInfo> dictionaries, String method, String simulator,
                                                            int resamples, long seed) {
        Map<String, AutoInterp.Summary> out = new LinkedHashMap<>();
        for (DictionaryInfo d : dictionaries) {
            Map<Integer, Double> tr = store.latestScores(d.id(), method, InterpPipeline.TOP_AND_RANDOM, simulator);
            Map<Integer, Double> ro = store.latestScores(d.id(), method, InterpPipeline.RANDOM_ONLY, simulator);
            out.put(d.name() + " (" + d.kind() + ")", new AutoInterp.Summary(InterpPipeline.meanCi(tr.values(), resamples, seed),
                    InterpPipeline.meanCi(ro.values(), resamples, seed + 1), tr.size(), store.interpSkips(d.id(), method).size(), 0));
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
    public static void png(Map<String, AutoInterp.Summary> byBasis, Path out) {
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
        groups.put("top-and-random", mean[0]);
        groups.put("random-only", mean[1]);
        errors.put("top-and-random", err[0]);
        errors.put("random-only", err[1]);
        Plots.bars(out, "Auto-interp score by basis (mean, 95% bootstrap CI)", "Pearson correlation", names, groups, errors);
    }
}
