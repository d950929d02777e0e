// Per-dictionary summaries for the Overview page that the store does not keep precomputed: the
// feature-density histogram (log10 density, dead features counted apart) and the mean
// auto-interp score per score kind (the SAE-vs-baselines comparison of Bills et al. / Cunningham
// et al.). Computed by paging through the published feature list (keyset pages of 10 000 rows)
// and cached per (dictionary, analysis run) for a minute, since explanations can be added while
// the browser runs without a new analysis run.
package dev.loupe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureQuery;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.FeatureSummary;
import dev.loupe.store.Page;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

final class Overview {
    /** Score kinds the comparison table shows (the Bills et al. scorers). */
    static final List<String> SCORE_KINDS = List.of("top_and_random", "random_only");
    static final int DENSITY_BINS = 20;
    static final double LOG_MIN = -8, LOG_MAX = 0;        // log10 density range of the histogram
    private static final long TTL_NANOS = 60_000_000_000L;
    private static final int PAGE = 10_000;

    private record Entry(long runId, long at, ObjectNode json) {}
    private final Map<Long, Entry> cache = new ConcurrentHashMap<>();

    /** {features, dead, densityHistogram: {edges (log10), counts}, scores: [{kind, count, mean}]}; null when unanalysed. */
    ObjectNode summary(FeatureStore store, DictionaryInfo d) {
        if (d.currentRunId() == 0) return null;
        Entry e = cache.get(d.id());
        long now = System.nanoTime();
        if (e != null && e.runId() == d.currentRunId() && now - e.at() < TTL_NANOS) return e.json();
        ObjectNode json = compute(store, d);
        cache.put(d.id(), new Entry(d.currentRunId(), now, json));
        return json;
    }

    private static ObjectNode compute(FeatureStore store, DictionaryInfo d) {
        long[] counts = new long[DENSITY_BINS];
        long features = 0, dead = 0;
        FeatureQuery q = FeatureQuery.by(FeatureQuery.Sort.FEATURE).ascending().limit(PAGE);
        for (Page<FeatureSummary> p = store.listFeatures(d.id(), q); ; p = store.listFeatures(d.id(), q.after(p.next()))) {
            for (FeatureSummary s : p.items()) {
                features++;
                if (s.fireCount() == 0) { dead++; continue; }
                double t = (Math.log10(s.density()) - LOG_MIN) / (LOG_MAX - LOG_MIN);
                counts[Math.clamp((int) Math.floor(t * DENSITY_BINS), 0, DENSITY_BINS - 1)]++;
            }
            if (p.next() == null) break;
        }
        ObjectNode o = ApiJson.object();
        o.put("features", features).put("dead", dead);
        ObjectNode h = o.putObject("densityHistogram");
        ArrayNode edges = h.putArray("edges"), c = h.putArray("counts");
        for (int i = 0; i <= DENSITY_BINS; i++) edges.add(LOG_MIN + (LOG_MAX - LOG_MIN) * i / DENSITY_BINS);
        for (long v : counts) c.add(v);
        ArrayNode scores = o.putArray("scores");
        for (String kind : SCORE_KINDS) {
            long n = 0;
            double sum = 0;
            FeatureQuery sq = FeatureQuery.by(FeatureQuery.Sort.SCORE).scoreKind(kind).limit(PAGE);
            for (Page<FeatureSummary> p = store.listFeatures(d.id(), sq); ; p = store.listFeatures(d.id(), sq.after(p.next()))) {
                for (FeatureSummary s : p.items()) { n++; sum += s.score(); }
                if (p.next() == null) break;
            }
            if (n > 0) scores.addObject().put("kind", kind).put("count", n).put("mean", sum / n);
        }
        return o;
    }
}
