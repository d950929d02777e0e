package dev.loupe.interp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.Example;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.TokenStat;
import dev.loupe.util.ConfigException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Auto-interp over the feature store ({@code loupe interp run}): for each feature of a dictionary's
 * published analysis, read its TOP excerpts (explanation and top scoring records), its RANDOM
 * windows (random scoring records) and its per-token table (the token look-up table); explain and
 * score with {@link AutoInterp}; write the explanation with its top-and-random and random-only
 * correlations (undefined ones as undefined, never 0), simulator, explainer model, prompt hash and
 * cost back to the store as each feature finishes. Skips (too few non-trivial excerpts) are recorded
 * with their reason; failures are reported, not recorded, so the next run retries them.
 *
 * <p>Other scorers ({@link InterpOptions#scorers}: detection, fuzzing, ablation) are stored as further
 * score kinds of the same explanation ({@link ScorerKind#storedKinds}); why one is undefined or
 * failed goes to interp_skips under {@link ScorerKind#noteKey}. A failed scorer stores no score.
 *
 * <p>Resumable: features that already have an explanation or a recorded skip with the same method
 * are left alone, so a killed run continues where it stopped — except that scorers their latest
 * explanation lacks (asked for now, or failed before) are run on it. The store is one SQLite connection and
 * not thread-safe: workers take turns on it (reads and writes are short next to explaining and
 * simulating).
 */
public final class InterpPipeline {
    public static final String TOP_AND_RANDOM = "top_and_random", RANDOM_ONLY = "random_only";
    private static final ObjectMapper JSON = new ObjectMapper();

    private InterpPipeline() {}

    public static InterpSummary run(FeatureStore store, long dictionaryId, InterpOptions opts, PrintStream progress) {
        long t0 = System.nanoTime();
        DictionaryInfo d = store.dictionary(dictionaryId);
        if (d.currentRunId() == 0) {
            throw new ConfigException("dictionary " + d.name() + " has no published analysis in " + store.path() + "; run `loupe analyze` on it first");
        }
        List<Integer> wanted = new ArrayList<>();
        if (opts.features() == null) for (int f = 0; f < d.dFeatures(); f++) wanted.add(f);
        else wanted.addAll(opts.features());
        for (int f : wanted) {
            if (f >= d.dFeatures()) throw new ConfigException("feature " + f + " is out of range for dictionary " + d.name() + " (0.." + (d.dFeatures() - 1) + ")");
        }
        Set<Integer> explained = store.explainedFeatures(d.id(), opts.method());
        Set<Integer> skippedBefore = store.interpSkips(d.id(), opts.method()).keySet();
        List<Integer> distinct = wanted.stream().distinct().toList();
        List<Task> tasks = new ArrayList<>();
        for (int f : distinct) if (!skippedBefore.contains(f) && !explained.contains(f)) tasks.add(new Task(f, null, opts.extraScorers()));
        tasks.addAll(rescoreTasks(store, d.id(), distinct, explained, opts));

        Progress bar = new Progress(progress, tasks.size());
        ThreadLocal<long[]> tokensAtStart = ThreadLocal.withInitial(() -> new long[1]);
        Map<Integer, String> failures = new TreeMap<>();
        int[] counts = new int[4];  // done, skipped, failed, scorer failures
        long[] spent = new long[1];
        AutoInterp ai = opts.autoInterp();
        Map<Integer, Task> byFeature = new HashMap<>();
        for (Task t : tasks) byFeature.put(t.feature(), t);
        ai.runTasks(tasks, t -> {
            tokensAtStart.get()[0] = opts.cost() == null ? 0 : opts.cost().tokensOnThisThread();
            FeatureRecords rec = records(store, d.id(), t.feature());
            return t.stored() == null ? ai.run(rec) : ai.scoreExtras(rec, interpExplanation(t.stored()), t.kinds());
        }, Task::feature, opts.threads(), r -> {
            long tokens = opts.cost() == null ? 0 : opts.cost().tokensOnThisThread() - tokensAtStart.get()[0];
            double usd = tokens * opts.usdPerMillionTokens() / 1e6;
            synchronized (store) {
                dev.loupe.store.Explanation stored = byFeature.get((int) r.featureId()).stored();
                if (stored == null) save(store, d.id(), r, opts, tokens, usd);
                else if (r.status() == FeatureResult.Status.DONE) saveExtras(store, d.id(), stored.id(), r, opts);
                counts[r.status().ordinal()]++;
                spent[0] += tokens;
                if (r.status() == FeatureResult.Status.FAILED) failures.put((int) r.featureId(), r.reason());
                for (ExtraScoring.Outcome o : r.extras()) {
                    if (o.failure() == null) continue;
                    counts[3]++;
                    failures.merge((int) r.featureId(), o.failure(), (a, b) -> a + "; " + b);
                }
            }
            bar.advance(r.status(), usd);
        });
        bar.finish();
        Map<Integer, Double> tr = store.latestScores(d.id(), opts.method(), TOP_AND_RANDOM, opts.simulatorName());
        Map<Integer, Double> ro = store.latestScores(d.id(), opts.method(), RANDOM_ONLY, opts.simulatorName());
        Map<String, Bootstrap.MeanCi> extra = new LinkedHashMap<>();
        for (ScorerKind k : opts.extraScorers()) {
            for (String kind : k.storedKinds()) {
                extra.put(kind, meanCi(store.latestScores(d.id(), opts.method(), kind, opts.simulatorName()).values(), opts.bootstrapResamples(), opts.seed()));
            }
        }
        return new InterpSummary(d.id(), opts.method(), opts.simulatorName(), tasks.size(), distinct.size() - tasks.size(), counts[0], counts[1], counts[2], counts[3],
                meanCi(tr.values(), opts.bootstrapResamples(), opts.seed()), meanCi(ro.values(), opts.bootstrapResamples(), opts.seed() + 1), extra,
                spent[0] * opts.usdPerMillionTokens() / 1e6, spent[0], (System.nanoTime() - t0) / 1e9, failures);
    }

    /** One feature to work on: explain and score it ({@code stored} null), or run {@code kinds} on its stored explanation. */
    private record Task(int feature, dev.loupe.store.Explanation stored, List<ScorerKind> kinds) {}

    /**
     * Features already explained by this method whose latest explanation lacks the main score of a
     * requested scorer (with this simulator): those scorers run on that explanation. A scorer that
     * failed before stored no score, so it is tried again.
     */
    private static List<Task> rescoreTasks(FeatureStore store, long dictionaryId, List<Integer> wanted, Set<Integer> explained, InterpOptions opts) {
        Map<Integer, List<ScorerKind>> missing = new TreeMap<>();
        for (ScorerKind k : opts.extraScorers()) {
            Set<Integer> have = store.latestScores(dictionaryId, opts.method(), k.storedKinds().get(0), opts.simulatorName()).keySet();
            for (int f : wanted) if (explained.contains(f) && !have.contains(f)) missing.computeIfAbsent(f, x -> new ArrayList<>()).add(k);
        }
        List<Task> out = new ArrayList<>();
        for (var e : missing.entrySet()) {
            List<dev.loupe.store.Explanation> all = store.explanations(dictionaryId, e.getKey()).stream().filter(x -> x.method().equals(opts.method())).toList();
            out.add(new Task(e.getKey(), all.get(all.size() - 1), List.copyOf(e.getValue())));
        }
        return out;
    }

    /** A stored explanation as the scorers take it (machine form from its provenance). */
    static Explanation interpExplanation(dev.loupe.store.Explanation e) {
        String machine = null;
        try {
            var form = JSON.readTree(e.provenanceJson()).get("machine_form");
            if (form != null && form.isTextual()) machine = form.asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
            throw new InterpFailure("explanation " + e.id() + " has malformed provenance_json: " + x.getOriginalMessage());
        }
        return new Explanation(e.text(), machine, e.explainerModel(), e.promptHash());
    }

    /**
     * Scores a given explanation text ({@code loupe score}) on one feature's scoring sets with the
     * configured simulator and scorers, and stores it (method {@code opts.method()}) when scored; a
     * skip or failure is returned, not stored.
     */
    public static FeatureResult scoreExplanation(FeatureStore store, long dictionaryId, int feature, String text, InterpOptions opts) {
        DictionaryInfo d = store.dictionary(dictionaryId);
        if (feature < 0 || feature >= d.dFeatures()) throw new ConfigException("feature " + feature + " is out of range for dictionary " + d.name() + " (0.." + (d.dFeatures() - 1) + ")");
        if (text == null || text.isBlank()) throw new ConfigException("the explanation to score is empty");
        FeatureResult r = opts.autoInterp().score(records(store, d.id(), feature), new Explanation(text.strip(), null, "user"));
        if (r.status() == FeatureResult.Status.DONE) save(store, d.id(), r, opts, 0, 0);
        return r;
    }

    /** Mean with bootstrap CI of stored scores, NaN (undefined) ones counted but not averaged. */
    static Bootstrap.MeanCi meanCi(java.util.Collection<Double> scores, int resamples, long seed) {
        double[] v = scores.stream().filter(x -> !Double.isNaN(x)).mapToDouble(Double::doubleValue).toArray();
        return Bootstrap.meanCi(v, scores.size() - v.length, resamples, 0.95, seed);
    }

    /** One feature's records from the store: TOP examples, RANDOM windows and the token look-up table. */
    public static FeatureRecords records(FeatureStore store, long dictionaryId, int feature) {
        List<Example> top, random;
        List<TokenStat> table;
        synchronized (store) {
            top = store.examples(dictionaryId, feature, Example.Kind.TOP);
            random = store.examples(dictionaryId, feature, Example.Kind.RANDOM);
            table = store.tokenStats(dictionaryId, feature);
        }
        Map<String, Double> lookup = new HashMap<>();
        for (TokenStat t : table) lookup.putIfAbsent(t.token(), t.meanAct());  // by mean, descending: the strongest spelling wins
        return new FeatureRecords(feature, toRecords(top), toRecords(random), Double.NaN, lookup);
    }

    private static List<ActivationRecord> toRecords(List<Example> examples) {
        List<ActivationRecord> out = new ArrayList<>(examples.size());
        for (Example e : examples) out.add(new ActivationRecord(e.tokens(), e.acts(), e.tokenIds(), e.docId()));
        return out;
    }

    private static void save(FeatureStore store, long dictionaryId, FeatureResult r, InterpOptions opts, long tokens, double usd) {
        int feature = (int) r.featureId();
        switch (r.status()) {
            case SKIPPED -> store.addInterpSkip(dictionaryId, feature, opts.method(), r.reason());
            case FAILED -> { }  // not recorded: the next run tries it again
            case DONE -> {
                Explanation e = r.explanation();
                List<dev.loupe.store.Score> scores = new ArrayList<>(List.of(
                        new dev.loupe.store.Score(TOP_AND_RANDOM, opts.simulatorName(), r.topAndRandomScore().value()),
                        new dev.loupe.store.Score(RANDOM_ONLY, opts.simulatorName(), r.randomOnlyScore().value())));
                scores.addAll(extraScores(r, opts));
                store.addExplanation(new dev.loupe.store.Explanation(0, dictionaryId, feature, e.text(), opts.method(), e.source(), e.promptHash(),
                        usd, provenance(r, tokens), null, scores));
                saveNotes(store, dictionaryId, r, opts);
            }
        }
    }

    /** Adds the extra scorers' scores to a stored explanation (a run asked for scorers it did not have). */
    private static void saveExtras(FeatureStore store, long dictionaryId, long explanationId, FeatureResult r, InterpOptions opts) {
        for (dev.loupe.store.Score s : extraScores(r, opts)) store.addScore(explanationId, s);
        saveNotes(store, dictionaryId, r, opts);
    }

    /** Store rows of the extra scorers that ran (undefined ones as NaN); a failed scorer stores none, so a rerun retries it. */
    private static List<dev.loupe.store.Score> extraScores(FeatureResult r, InterpOptions opts) {
        List<dev.loupe.store.Score> out = new ArrayList<>();
        for (ExtraScoring.Outcome o : r.extras()) {
            if (o.failure() != null) continue;
            for (int i = 0; i < o.scores().size(); i++) out.add(new dev.loupe.store.Score(o.kind().storedKinds().get(i), opts.simulatorName(), o.scores().get(i).value()));
        }
        return out;
    }

    /** Why an extra score is undefined or failed, per feature, in interp_skips under "method#scorer" (see {@link ScorerKind#noteKey}). */
    private static void saveNotes(FeatureStore store, long dictionaryId, FeatureResult r, InterpOptions opts) {
        for (ExtraScoring.Outcome o : r.extras()) {
            String note = o.failure() != null ? "failed: " + o.failure() : o.note() != null ? "undefined: " + o.note() : null;
            if (note != null) store.addInterpSkip(dictionaryId, (int) r.featureId(), o.kind().noteKey(opts.method()), note);
        }
    }

    /** Machine form, why a score is undefined, r² and absolute deviation explained, tokens spent. */
    private static String provenance(FeatureResult r, long tokens) {
        ObjectNode o = JSON.createObjectNode();
        if (r.explanation().machineForm() != null) o.put("machine_form", r.explanation().machineForm());
        ObjectNode undefined = JSON.createObjectNode();
        for (var set : List.of(Map.entry(TOP_AND_RANDOM, r.topAndRandom()), Map.entry(RANDOM_ONLY, r.randomOnly()))) {
            ScoredSimulation s = set.getValue();
            if (!s.correlation().defined()) undefined.put(set.getKey(), s.correlation().status().name().toLowerCase(Locale.ROOT));
            if (s.rSquared().defined()) o.put(set.getKey() + "_r2", s.rSquared().value());
            if (s.absoluteDeviationExplained().defined()) o.put(set.getKey() + "_ade", s.absoluteDeviationExplained().value());
        }
        for (ExtraScoring.Outcome x : r.extras()) {
            for (int i = 0; i < x.scores().size(); i++) {
                Score s = x.scores().get(i);
                if (!s.defined() && x.failure() == null) undefined.put(x.kind().storedKinds().get(i), s.status().name().toLowerCase(Locale.ROOT));
            }
            if (x.detail() != null) o.put(x.kind().flag(), x.detail());
        }
        if (!undefined.isEmpty()) o.set("undefined", undefined);
        o.put("tokens", tokens);
        return o.toString();
    }

    /** A one-line progress bar with counts and cost so far, redrawn at most every 200 ms. */
    private static final class Progress {
        private final PrintStream out;
        private final int total;
        private final long start = System.nanoTime();
        private final int[] counts = new int[3];
        private double usd;
        private long lastDraw;

        Progress(PrintStream out, int total) { this.out = out; this.total = total; }

        synchronized void advance(FeatureResult.Status s, double cost) {
            counts[s.ordinal()]++;
            usd += cost;
            long now = System.nanoTime();
            if (now - lastDraw > 200_000_000L) { draw(); lastDraw = now; }
        }

        synchronized void finish() {
            draw();
            if (out != null) out.println();
        }

        private void draw() {
            if (out == null) return;
            int n = counts[0] + counts[1] + counts[2], width = 30, filled = total == 0 ? width : width * n / total;
            out.printf(Locale.ROOT, "\r[%s%s] %d/%d  done %d  skipped %d  failed %d  $%.4f  %.1f s", "#".repeat(filled), " ".repeat(width - filled),
                    n, total, counts[0], counts[1], counts[2], usd, (System.nanoTime() - start) / 1e9);
            out.flush();
        }
    }
}
