package dev.loupe.interp;

import java.util.List;

/**
 * Outcome of explaining and scoring one feature: done (with an explanation and both scores),
 * skipped (too few non-trivial excerpts …) or failed (explainer/simulator error), with the reason.
 * {@code extras} holds the other scorers' outcomes (detection, fuzzing, ablation), each possibly
 * failed on its own without failing the feature; {@code topAndRandom}/{@code randomOnly} are null
 * when only those were run ({@link AutoInterp#scoreExtras}).
 */
public record FeatureResult(long featureId, Status status, String reason, Explanation explanation,
                            ScoredSimulation topAndRandom, ScoredSimulation randomOnly, List<ExtraScoring.Outcome> extras) {
    public enum Status { DONE, SKIPPED, FAILED }

    public FeatureResult { extras = extras == null ? List.of() : List.copyOf(extras); }

    public FeatureResult(long featureId, Status status, String reason, Explanation explanation, ScoredSimulation topAndRandom, ScoredSimulation randomOnly) {
        this(featureId, status, reason, explanation, topAndRandom, randomOnly, List.of());
    }

    public static FeatureResult skipped(long id, String reason) { return new FeatureResult(id, Status.SKIPPED, reason, null, null, null); }
    public static FeatureResult failed(long id, String reason) { return new FeatureResult(id, Status.FAILED, reason, null, null, null); }

    /** Top-and-random correlation, FAILED/undefined when the feature was not scored. */
    public Score topAndRandomScore() { return topAndRandom == null ? Score.undefined(Score.Status.FAILED) : topAndRandom.correlation(); }
    public Score randomOnlyScore() { return randomOnly == null ? Score.undefined(Score.Status.FAILED) : randomOnly.correlation(); }
}
