package dev.loupe.interp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Runs the scorers besides simulation ({@link ScorerKind#DETECTION}, {@link ScorerKind#FUZZING},
 * {@link ScorerKind#ABLATION}) on one explanation, with the same simulator that scored its
 * correlation, on sets the explainer never saw:
 *
 * <ul>
 *   <li>detection: positives are the top excerpts of the top-and-random set, negatives the feature's
 *       random excerpts where it is silent (maximum ≤ 0); an excerpt's score is the simulator's largest
 *       value on it. Random excerpts where the feature fires are left out (neither clearly positive nor
 *       a negative). Undefined when the feature fires in every random excerpt.</li>
 *   <li>fuzzing: the same top excerpts, highlighted on their active tokens vs as many silent ones
 *       (seed = the feature index, so reruns agree).</li>
 *   <li>ablation: the top-and-random set; the simulation mapped to activation units by the linear
 *       calibration (fitted on the calibration set, or on this set's stored activations when there is
 *       none), the mean being the mean stored activation over all random excerpts (a uniform sample of
 *       the corpus).</li>
 * </ul>
 * With the built-in or an LLM simulator alike the classifier is the simulator. Balanced accuracy
 * predicts "matches" at a simulated value ≥ {@value #THRESHOLD} of 10 — the lowest non-zero bucket of
 * the discretisation, i.e. "the simulator says the feature fires" (the built-in simulator's rule
 * weights are mean buckets and often below 5); AUC needs no threshold. A scorer that throws is that
 * scorer's failure for this feature only.
 */
public final class ExtraScoring {
    public static final double THRESHOLD = 1.0;

    private ExtraScoring() {}

    /**
     * One scorer's result for one feature.
     *
     * @param scores one per {@link ScorerKind#storedKinds()}, in that order; FAILED ones when {@code failure} is set
     * @param note   why a score is undefined, or null
     * @param detail how it was computed (e.g. the two JSDs of the ablation score), or null
     * @param failure why the scorer failed, or null
     */
    public record Outcome(ScorerKind kind, List<Score> scores, String note, String detail, String failure) {
        public Outcome { scores = List.copyOf(scores); }

        static Outcome failed(ScorerKind k, String why) {
            List<Score> s = new ArrayList<>();
            for (int i = 0; i < k.storedKinds().size(); i++) s.add(Score.undefined(Score.Status.FAILED));
            return new Outcome(k, s, null, null, why);
        }

        /** The main score (the first stored kind). */
        public Score main() { return scores.get(0); }
    }

    static List<Outcome> run(Collection<ScorerKind> kinds, FeatureRecords f, FeatureSplits.Ready r, SplitConfig c, Simulator sim,
                             double[] calibration, AblationTarget ablation) {
        List<Outcome> out = new ArrayList<>();
        for (ScorerKind k : kinds) {
            if (k == ScorerKind.SIMULATION) continue;
            try {
                out.add(switch (k) {
                    case DETECTION -> detection(f, r, c, sim);
                    case FUZZING -> fuzzing(f, r, c, sim);
                    case ABLATION -> ablation(f, r, sim, calibration, ablation);
                    case SIMULATION -> throw new AssertionError();
                });
            } catch (RuntimeException x) {
                out.add(Outcome.failed(k, k.flag() + ": " + (x.getMessage() == null ? x.toString() : x.getMessage())));
            }
        }
        return out;
    }

    /** The top excerpts of the top-and-random set (it holds them first, then {@code scoreRandom} random ones). */
    static List<ActivationRecord> scoringTop(FeatureSplits.Ready r, SplitConfig c) {
        return r.topAndRandom().subList(0, r.topAndRandom().size() - c.scoreRandom());
    }

    private static Outcome detection(FeatureRecords f, FeatureSplits.Ready r, SplitConfig c, Simulator sim) {
        List<ActivationRecord> silent = new ArrayList<>();
        for (ActivationRecord x : f.random()) if (x.max() <= 0) silent.add(x);
        Classification.Result d = DetectionFuzzing.detection(sim, scoringTop(r, c), silent, THRESHOLD);
        String note = silent.isEmpty() ? "the feature fires in all " + f.random().size() + " random excerpts: no silent excerpt to detect against" : null;
        return classification(ScorerKind.DETECTION, d, note);
    }

    private static Outcome fuzzing(FeatureRecords f, FeatureSplits.Ready r, SplitConfig c, Simulator sim) {
        Classification.Result z = DetectionFuzzing.fuzzing(sim, scoringTop(r, c), THRESHOLD, f.featureId());
        return classification(ScorerKind.FUZZING, z, z.positives() == 0 ? "no scoring top excerpt has both active and silent tokens" : null);
    }

    private static Outcome classification(ScorerKind k, Classification.Result res, String note) {
        String detail = String.format(Locale.ROOT, "%d positives, %d negatives", res.positives(), res.negatives());
        boolean undefined = !res.auc().defined() || !res.balancedAccuracy().defined();
        return new Outcome(k, List.of(res.balancedAccuracy(), res.auc()), undefined ? (note != null ? note : "one class is empty") : null, detail, null);
    }

    private static Outcome ablation(FeatureRecords f, FeatureSplits.Ready r, Simulator sim, double[] calibration, AblationTarget target) {
        if (target == null) throw new IllegalStateException("no model given");
        List<ActivationRecord> recs = r.topAndRandom();
        List<String[]> tokens = new ArrayList<>();
        for (ActivationRecord x : recs) {
            if (x.tokenIds() == null) throw new IllegalArgumentException("the scoring excerpts have no token ids");
            tokens.add(x.tokens().clone());
        }
        List<double[]> simulated = sim.simulateAll(tokens);
        double[] stored = ScoredSimulation.pool(ScoredSimulation.trueValuesOf(recs));
        double[] cal = calibration != null ? calibration : Scoring.calibrate(stored, ScoredSimulation.pool(simulated));
        List<double[]> replacement = new ArrayList<>();
        List<ActivationRecord> actual = new ArrayList<>();
        int feature = Math.toIntExact(f.featureId());
        List<float[]> acts = target.activations(recs, feature);
        for (int k = 0; k < recs.size(); k++) {
            double[] v = simulated.get(k).clone();
            for (int i = 0; i < v.length; i++) v[i] = cal[0] * v[i] + cal[1];
            replacement.add(v);
            ActivationRecord x = recs.get(k);
            actual.add(new ActivationRecord(x.tokens(), acts.get(k), x.tokenIds(), x.documentId()));
        }
        double[] random = ScoredSimulation.pool(ScoredSimulation.trueValuesOf(f.random()));
        double mean = Scoring.mean(random.length > 0 ? random : stored);
        AblationScore.Result res = target.score(feature, actual, replacement, mean);
        String detail = String.format(Locale.ROOT, "jsd_simulated %.4g, jsd_mean %.4g bits/token on %s at %s", res.jsdSimulated(), res.jsdMean(),
                target.modelName(), target.hook());
        String note = res.score().defined() ? null : "replacing the feature by its mean (" + mean + ") changes no next-token prediction";
        return new Outcome(ScorerKind.ABLATION, List.of(res.score()), note, detail, null);
    }
}
