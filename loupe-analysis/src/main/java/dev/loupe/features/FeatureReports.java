// Plain-text views of a feature store for `loupe features`: the dictionaries, a page of features
// as a table, one feature's page (statistics, token table, logit effects, top examples with the
// max token in [brackets], neighbours), and full-text search hits. Reads only published analyses
// (FeatureStore queries). Not the browser: dev.loupe.server renders the same data as HTML.
package dev.loupe.features;

import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.Example;
import dev.loupe.store.FeatureDetail;
import dev.loupe.store.FeatureQuery;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.FeatureSummary;
import dev.loupe.store.LogitEntry;
import dev.loupe.store.LogitTable;
import dev.loupe.store.Neighbour;
import dev.loupe.store.Score;
import dev.loupe.store.SearchHit;
import dev.loupe.store.TokenStat;
import dev.loupe.util.ConfigException;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

public final class FeatureReports {
    private FeatureReports() {}

    /** The named dictionary, or the store's only one when name is null. */
    public static DictionaryInfo dictionary(FeatureStore s, String name) {
        if (name != null) return s.requireDictionary(name);
        List<DictionaryInfo> all = s.dictionaries();
        if (all.size() == 1) return all.getFirst();
        throw new ConfigException(all.isEmpty() ? "feature store " + s.path() + " has no dictionaries; run `loupe analyze` first"
                : "feature store " + s.path() + " has " + all.size() + " dictionaries; name one with --dict (" + all.stream().map(DictionaryInfo::name).collect(Collectors.joining(", ")) + ")");
    }

    public static void dictionaries(FeatureStore s, PrintWriter out) {
        out.printf("%-32s %-10s %-28s %6s %8s  %s%n", "dictionary", "kind", "hook", "d_in", "features", "analysed");
        for (DictionaryInfo d : s.dictionaries())
            out.printf(Locale.ROOT, "%-32s %-10s %-28s %6d %8d  %s%n", d.name(), d.kind(), d.hook(), d.dIn(), d.dFeatures(), d.currentRunId() != 0 ? "yes" : "no");
    }

    /** One page of features as a table, with each feature's top tokens. */
    public static void list(FeatureStore s, DictionaryInfo d, FeatureQuery q, PrintWriter out) {
        if (d.currentRunId() == 0) throw new ConfigException("dictionary " + d.name() + " has no published analysis; run `loupe analyze` on it");
        out.printf("%7s %9s %8s %8s  %-40s %s%n", "feature", "density", "mean", "max", "top tokens", "explanation");
        for (FeatureSummary f : s.listFeatures(d.id(), q).items()) {
            String tokens = s.feature(d.id(), f.feature()).map(fd -> tokens(fd.tokens(), 5)).orElse("");
            out.printf(Locale.ROOT, "%7d %9.2e %8.3f %8.3f  %-40s %s%n", f.feature(), f.density(), f.meanAct(), f.maxAct(), clip(tokens, 40),
                    f.explanation() == null ? "" : f.explanation());
        }
    }

    public static void show(FeatureStore s, DictionaryInfo d, int feature, int examples, PrintWriter out) {
        FeatureDetail f = s.feature(d.id(), feature).orElseThrow(() -> new ConfigException("dictionary " + d.name()
                + " has no published analysis; run `loupe analyze` on it"));
        FeatureSummary m = f.summary();
        out.printf(Locale.ROOT, "%s feature %d  (%s at %s)%n", d.name(), feature, d.kind(), d.hook());
        out.printf(Locale.ROOT, "density %.3e (%d tokens), mean %.4f, max %.4f%n", m.density(), m.fireCount(), m.meanAct(), m.maxAct());
        f.explanations().stream().findFirst().ifPresent(e -> {
            out.println("explanation: " + e.text() + "  (" + e.method() + ")");
            if (!e.scores().isEmpty()) out.println("scores: " + scores(e.scores()));
        });
        out.println("top tokens (mean activation over occurrences): " + tokens(f.tokens(), 10));
        for (LogitTable t : f.logits()) {
            out.println(t.kind().name().toLowerCase(Locale.ROOT) + " logits  +: " + logits(t.positive()));
            out.println(" ".repeat(t.kind().name().length()) + " logits  -: " + logits(t.negative()));
        }
        out.println("top examples:");
        for (Example e : f.topExamples().subList(0, Math.min(examples, f.topExamples().size())))
            out.printf(Locale.ROOT, "  %8.3f  %s%n", e.maxAct(), marked(e));
        if (!f.neighbours().isEmpty())
            out.println("nearest by decoder cosine: " + f.neighbours().stream().map(n -> String.format(Locale.ROOT, "%d (%.2f)", n.feature(), n.cosine()))
                    .collect(Collectors.joining(", ")));
        for (Neighbour n : f.matchesOut())
            out.printf(Locale.ROOT, "  match in dictionary %d: feature %d (%.2f)%n", n.dictionaryId(), n.feature(), n.cosine());
    }

    public static void search(FeatureStore s, String text, int limit, PrintWriter out) {
        List<SearchHit> hits = s.search(text, limit);
        if (hits.isEmpty()) { out.println("no matches for '" + text + "'"); return; }
        out.printf("%-12s %-24s %7s  %s%n", "source", "dictionary", "feature", "snippet");
        for (SearchHit h : hits)
            out.printf(Locale.ROOT, "%-12s %-24s %7d  %s%n", h.source().name().toLowerCase(Locale.ROOT), s.dictionary(h.dictionaryId()).name(), h.feature(),
                    h.snippet().replace("\n", "\\n"));
    }

    private static String tokens(List<TokenStat> ts, int n) {
        return ts.stream().limit(n).map(t -> "'" + t.token() + "'").collect(Collectors.joining(" "));
    }

    private static String logits(List<LogitEntry> es) {
        return es.stream().map(e -> String.format(Locale.ROOT, "'%s' %.3f", e.token(), e.value())).collect(Collectors.joining(", "));
    }

    /** The example's text with the max-activation token in [brackets]. */
    private static String marked(Example e) {
        int at = 0;
        for (int j = 1; j < e.acts().length; j++) if (e.acts()[j] > e.acts()[at]) at = j;
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < e.tokens().length; j++) sb.append(j == at ? "[" + e.tokens()[j] + "]" : e.tokens()[j]);
        return sb.toString().replace("\n", "\\n");
    }

    private static String clip(String s, int n) { return s.length() <= n ? s : s.substring(0, n - 1) + "…"; }

    /** "kind value (simulator)" for each score of an explanation; NaN is printed as undefined, never as 0. */
    private static String scores(List<Score> scores) {
        return scores.stream().map(sc -> sc.kind() + " " + (sc.defined() ? String.format(Locale.ROOT, "%.3f", sc.value()) : "undefined")
                + (sc.simulator().isEmpty() ? "" : " (" + sc.simulator() + ")")).collect(Collectors.joining(", "));
    }
}
