package dev.loupe.interp;

/**
 * Metrics for binary "does this match the explanation?" scorers (detection, fuzzing): balanced
 * accuracy at a threshold and ROC AUC. AUC is the Mann–Whitney probability that a random positive
 * scores above a random negative, ties counting one half (equal to the trapezoidal ROC area).
 * Either metric is undefined (never 0.5 by default) when one class is empty.
 */
public final class Classification {
    private Classification() {}

    public record Result(Score balancedAccuracy, Score auc, int positives, int negatives) {}

    public static Result evaluate(double[] scores, boolean[] labels, double threshold) {
        return new Result(balancedAccuracy(scores, labels, threshold), auc(scores, labels), count(labels, true), count(labels, false));
    }

    /** Mean of true-positive and true-negative rates, predicting positive when {@code score ≥ threshold}. */
    public static Score balancedAccuracy(double[] scores, boolean[] labels, double threshold) {
        check(scores, labels);
        int tp = 0, tn = 0, p = 0, n = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean predicted = scores[i] >= threshold;
            if (labels[i]) { p++; if (predicted) tp++; } else { n++; if (!predicted) tn++; }
        }
        if (p == 0 || n == 0) return Score.undefined(Score.Status.EMPTY);
        return Score.of(0.5 * ((double) tp / p + (double) tn / n));
    }

    /** O(P·N) pair count; scoring sets hold tens of excerpts, so clarity wins over a rank-sum sort. */
    public static Score auc(double[] scores, boolean[] labels) {
        check(scores, labels);
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!labels[i]) continue;
            for (int j = 0; j < scores.length; j++) {
                if (labels[j]) continue;
                pairs++;
                if (scores[i] > scores[j]) wins += 1;
                else if (scores[i] == scores[j]) wins += 0.5;
            }
        }
        return pairs == 0 ? Score.undefined(Score.Status.EMPTY) : Score.of(wins / pairs);
    }

    private static int count(boolean[] labels, boolean v) {
        int c = 0;
        for (boolean b : labels) if (b == v) c++;
        return c;
    }

    private static void check(double[] s, boolean[] l) {
        if (s.length != l.length) throw new IllegalArgumentException(s.length + " scores but " + l.length + " labels");
    }
}
