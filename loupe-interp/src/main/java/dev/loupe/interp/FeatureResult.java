package dev.loupe.interp;

/**
 * Outcome of explaining and scoring one feature: done (with an explanation and both scores),
 * skipped (too few non-trivial excerpts …) or failed (explainer/simulator error), with the reason.
 */
public record FeatureResult(long featureId, Status status, String reason, Explanation explanation,
                            ScoredSimulation topAndRandom, ScoredSimulation randomOnly) {
    public enum Status { DONE, SKIPPED, FAILED }

    public static FeatureResult skipped(long id, String reason) { return new FeatureResult(id, Status.SKIPPED, reason, null, null, null); }
    public static FeatureResult failed(long id, String reason) { return new FeatureResult(id, Status.FAILED, reason, null, null, null); }

    /** Top-and-random correlation, FAILED/undefined when the feature was not scored. */
    public Score topAndRandomScore() { return topAndRandom == null ? Score.undefined(Score.Status.FAILED) : topAndRandom.correlation(); }
    public Score randomOnlyScore() { return randomOnly == null ? Score.undefined(Score.Status.FAILED) : randomOnly.correlation(); }
}
