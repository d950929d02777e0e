package dev.loupe.interp;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap confidence interval for the mean of per-feature scores (the error bars of
 * Cunningham et al. Fig. 2). Undefined scores are excluded and counted, never averaged in as 0.
 *
 * <p>Percentile method: resample the defined scores with replacement {@code resamples} times, take
 * the {@code (1−level)/2} and {@code (1+level)/2} quantiles of the resampled means (linear
 * interpolation between order statistics, NumPy's default).
 */
public final class Bootstrap {
    private Bootstrap() {}

    /** @param n defined scores used; undefined the number excluded; lo/hi NaN when n == 0. */
    public record MeanCi(double mean, double lo, double hi, int n, int undefined) {}

    public static MeanCi meanCi(List<Score> scores, int resamples, double level, long seed) {
        double[] v = scores.stream().filter(Score::defined).mapToDouble(Score::value).toArray();
        return meanCi(v, scores.size() - v.length, resamples, level, seed);
    }

    public static MeanCi meanCi(double[] values, int undefined, int resamples, double level, long seed) {
        if (resamples < 1) throw new IllegalArgumentException("bootstrap resamples must be ≥ 1, got " + resamples);
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
        int n = values.length;
        if (n == 0) return new MeanCi(Double.NaN, Double.NaN, Double.NaN, 0, undefined);
        double mean = Scoring.mean(values);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += values[rng.nextInt(n)];
            means[b] = s / n;
        }
        Arrays.sort(means);
        return new MeanCi(mean, quantile(means, (1 - level) / 2), quantile(means, (1 + level) / 2), n, undefined);
    }

    /** Quantile of sorted data with linear interpolation at position q·(n−1). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
