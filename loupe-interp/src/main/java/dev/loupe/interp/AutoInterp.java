package dev.loupe.interp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Façade for explain → simulate → score over many features; the CLI verbs ({@code loupe explain},
 * {@code loupe score}, {@code loupe interp run}) are meant to be thin wrappers around it.
 *
 * <p>Per feature: split records ({@link FeatureSplits}), explain on the explanation set only, build
 * the explanation's simulator, fit its linear calibration on the calibration set (for r² and
 * absolute deviation explained only), score the top-and-random and random-only sets, then run the other
 * scorers asked for ({@link ExtraScoring}). A skipped or failed feature is recorded with its reason; the
 * run never stops for one feature.
 */
public final class AutoInterp {
    private final Explainer explainer;
    private final SimulatorFactory simulators;
    private final SplitConfig splits;
    private final List<ScorerKind> scorers;
    private final AblationTarget ablation;

    public AutoInterp(Explainer explainer, SimulatorFactory simulators, SplitConfig splits) {
        this(explainer, simulators, splits, List.of(ScorerKind.SIMULATION), null);
    }

    /**
     * @param scorers  scorers run on every explanation besides simulation (which always runs)
     * @param ablation model and dictionary for {@link ScorerKind#ABLATION}, or null when it is not asked for
     */
    public AutoInterp(Explainer explainer, SimulatorFactory simulators, SplitConfig splits, List<ScorerKind> scorers, AblationTarget ablation) {
        if (scorers.contains(ScorerKind.ABLATION) && ablation == null) throw new dev.loupe.util.ConfigException("the ablation scorer needs --model DIR");
        this.explainer = explainer;
        this.simulators = simulators;
        this.splits = splits;
        this.scorers = List.copyOf(scorers);
        this.ablation = ablation;
    }

    public FeatureResult run(FeatureRecords f) {
        FeatureSplits s = FeatureSplits.of(f, splits);
        if (s instanceof FeatureSplits.Skipped k) return FeatureResult.skipped(f.featureId(), k.reason());
        FeatureSplits.Ready r = (FeatureSplits.Ready) s;
        Explanation e;
        try {
            e = explainer.explain(r.explain(), f.lookupTable());
        } catch (InterpFailure x) {
            return FeatureResult.failed(f.featureId(), "explainer " + explainer.name() + ": " + x.getMessage());
        }
        return score(f, e, r);
    }

    /** Scores a given explanation (e.g. {@code loupe score}) on the feature's scoring sets. */
    public FeatureResult score(FeatureRecords f, Explanation e) {
        FeatureSplits s = FeatureSplits.of(f, splits);
        if (s instanceof FeatureSplits.Skipped k) return FeatureResult.skipped(f.featureId(), k.reason());
        return score(f, e, (FeatureSplits.Ready) s);
    }

    /**
     * Runs only the scorers besides simulation (e.g. on an explanation already in the store, when a
     * later run asks for more scorers); the result has no correlations.
     */
    public FeatureResult scoreExtras(FeatureRecords f, Explanation e, List<ScorerKind> kinds) {
        FeatureSplits s = FeatureSplits.of(f, splits);
        if (s instanceof FeatureSplits.Skipped k) return FeatureResult.skipped(f.featureId(), k.reason());
        FeatureSplits.Ready r = (FeatureSplits.Ready) s;
        long id = f.featureId();
        Simulator sim;
        double[] calibration = null;
        try {
            sim = simulators.forExplanation(e);
            if (kinds.contains(ScorerKind.ABLATION)) calibration = Scorer.calibration(sim, r.calibration());
        } catch (InterpFailure x) {
            return FeatureResult.failed(id, "simulator: " + x.getMessage());
        }
        return new FeatureResult(id, FeatureResult.Status.DONE, null, e, null, null, ExtraScoring.run(kinds, f, r, splits, sim, calibration, ablation));
    }

    private FeatureResult score(FeatureRecords f, Explanation e, FeatureSplits.Ready r) {
        long id = f.featureId();
        Simulator sim;
        try {
            sim = simulators.forExplanation(e);
        } catch (InterpFailure x) {
            return FeatureResult.failed(id, "simulator: " + x.getMessage());
        }
        double[] calibration;
        try {
            calibration = Scorer.calibration(sim, r.calibration());
        } catch (InterpFailure x) {
            return FeatureResult.failed(id, "simulator (calibration set): " + x.getMessage());
        }
        ScoredSimulation tr = Scorer.score(sim, r.topAndRandom(), calibration);
        ScoredSimulation ro = Scorer.score(sim, r.randomOnly(), calibration);
        String failure = tr.failure() != null ? tr.failure() : ro.failure();
        if (failure != null) return new FeatureResult(id, FeatureResult.Status.FAILED, failure, e, tr, ro);
        return new FeatureResult(id, FeatureResult.Status.DONE, null, e, tr, ro, ExtraScoring.run(scorers, f, r, splits, sim, calibration, ablation));
    }

    /** Runs every feature on {@code threads} worker threads; results keep input order. */
    public List<FeatureResult> runAll(List<FeatureRecords> features, int threads) { return runAll(features, threads, r -> {}); }

    /**
     * As {@link #runAll(List, int)}, calling {@code onResult} as each feature finishes (from the worker
     * threads, in completion order) — for progress bars and for writing results to the store as they
     * come so an interrupted run can resume. A feature whose explainer or simulator throws anything
     * is recorded as failed with that error; the run continues.
     */
    public List<FeatureResult> runAll(List<FeatureRecords> features, int threads, Consumer<FeatureResult> onResult) {
        return runEach(features, f -> f, FeatureRecords::featureId, threads, onResult);
    }

    /**
     * As {@link #runAll(List, int, Consumer)}, loading each feature's records with {@code load} on the
     * worker thread just before it is run (so a large dictionary is never in memory at once; the
     * feature store loads records this way). A failing load fails that feature only.
     *
     * @param keys      one key per feature, passed to {@code load}; results keep this order
     * @param featureId the feature id of a key (names the feature when its load fails)
     */
    public <K> List<FeatureResult> runEach(List<K> keys, Function<K, FeatureRecords> load, ToLongFunction<K> featureId, int threads,
                                           Consumer<FeatureResult> onResult) {
        return runTasks(keys, key -> run(load.apply(key)), featureId, threads, onResult);
    }

    /**
     * The worker pool behind {@link #runEach}: runs {@code work} for every key on {@code threads}
     * threads; anything it throws fails that feature only. Results keep the order of {@code keys}.
     */
    public <K> List<FeatureResult> runTasks(List<K> keys, Function<K, FeatureResult> work, ToLongFunction<K> featureId, int threads,
                                            Consumer<FeatureResult> onResult) {
        if (threads < 1) throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<FeatureResult>> futures = new ArrayList<>();
            for (K key : keys) {
                futures.add(pool.submit(() -> {
                    FeatureResult r;
                    try {
                        r = work.apply(key);
                    } catch (RuntimeException x) {
                        r = FeatureResult.failed(featureId.applyAsLong(key), "unexpected error: " + x);
                    }
                    onResult.accept(r);
                    return r;
                }));
            }
            List<FeatureResult> out = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new InterpFailure("interrupted after " + i + " of " + keys.size() + " features");
                } catch (ExecutionException x) {
                    out.add(FeatureResult.failed(featureId.applyAsLong(keys.get(i)), "unexpected error: " + x.getCause()));
                }
            }
            return out;
        }
    }

    /** Mean top-and-random and random-only scores over features with bootstrap 95% CIs. */
    public record Summary(Bootstrap.MeanCi topAndRandom, Bootstrap.MeanCi randomOnly, int done, int skipped, int failed) {}

    public static Summary summarise(List<FeatureResult> results, int resamples, long seed) {
        List<Score> tr = new ArrayList<>(), ro = new ArrayList<>();
        int done = 0, skipped = 0, failed = 0;
        for (FeatureResult r : results) {
            switch (r.status()) {
                case DONE -> { done++; tr.add(r.topAndRandomScore()); ro.add(r.randomOnlyScore()); }
                case SKIPPED -> skipped++;
                case FAILED -> failed++;
            }
        }
        return new Summary(Bootstrap.meanCi(tr, resamples, 0.95, seed), Bootstrap.meanCi(ro, resamples, 0.95, seed + 1), done, skipped, failed);
    }
}
