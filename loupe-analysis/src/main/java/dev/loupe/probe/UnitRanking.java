// Feature-selection scores for sparse probing (Gurnee et al. 2023 §3): each unit scored on the
// training rows alone, larger = more useful, then ranked. Definitions:
//   MEAN_DIFF   |mean(x | y=1) - mean(x | y=0)|
//   F_STAT      one-way ANOVA F with two groups: [sum_g n_g (m_g - m)^2 / 1] / [sum_g sum_i (x - m_g)^2 / (n - 2)]
//               (+inf when the classes are perfectly separated by constant values, 0 for a constant unit)
//   MUTUAL_INFO I(bin(x); y) in nats, x cut into `bins` equal-width bins over its training range
//   L1_PATH     order of entry along an L1-regularised logistic path (see L1Path)
// Not a probe: ranks only; LogisticRegression fits the probe on the selected units.
package dev.loupe.probe;

import dev.loupe.util.ConfigException;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

public final class UnitRanking {
    private UnitRanking() {}

    public enum Method { MEAN_DIFF, F_STAT, MUTUAL_INFO, L1_PATH }

    static final int MI_BINS = 16;

    /** All units ordered best first for the method (ties: lower unit index first). */
    public static int[] rank(ProbeData d, int[] rows, Method method) { return rank(d, rows, method, d.units()); }

    /** As {@link #rank(ProbeData, int[], Method)} when only the first `needed` places matter (L1_PATH stops early). */
    public static int[] rank(ProbeData d, int[] rows, Method method, int needed) {
        if (method == Method.L1_PATH) return L1Path.entryOrder(d, rows, d.units(), needed);
        double[] score = new double[d.units()];
        for (int j = 0; j < d.units(); j++) score[j] = switch (method) {
            case MEAN_DIFF -> meanDifference(d, rows, j);
            case F_STAT -> fStatistic(d, rows, j);
            case MUTUAL_INFO -> mutualInformation(d, rows, j, MI_BINS);
            case L1_PATH -> throw new AssertionError();
        };
        return order(score);
    }

    static int[] order(double[] score) {
        return IntStream.range(0, score.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> -score[j]).thenComparingInt(j -> j))
                .mapToInt(Integer::intValue).toArray();
    }

    static double meanDifference(ProbeData d, int[] rows, int unit) {
        double[] sum = new double[2];
        long[] cnt = new long[2];
        for (int r : rows) { sum[d.y()[r]] += d.get(r, unit); cnt[d.y()[r]]++; }
        requireBoth(cnt);
        return Math.abs(sum[1] / cnt[1] - sum[0] / cnt[0]);
    }

    static double fStatistic(ProbeData d, int[] rows, int unit) {
        double[] sum = new double[2];
        long[] cnt = new long[2];
        for (int r : rows) { sum[d.y()[r]] += d.get(r, unit); cnt[d.y()[r]]++; }
        requireBoth(cnt);
        double[] mean = {sum[0] / cnt[0], sum[1] / cnt[1]};
        double grand = (sum[0] + sum[1]) / rows.length;
        double between = cnt[0] * sq(mean[0] - grand) + cnt[1] * sq(mean[1] - grand);
        double within = 0;
        for (int r : rows) within += sq(d.get(r, unit) - mean[d.y()[r]]);
        if (rows.length <= 2) throw new ConfigException("the F statistic needs more than 2 training rows");
        if (within == 0) return between == 0 ? 0 : Double.POSITIVE_INFINITY;
        return between / (within / (rows.length - 2));
    }

    static double mutualInformation(ProbeData d, int[] rows, int unit, int bins) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int r : rows) { lo = Math.min(lo, d.get(r, unit)); hi = Math.max(hi, d.get(r, unit)); }
        if (hi == lo) return 0;
        long[][] joint = new long[bins][2];
        for (int r : rows) {
            int b = (int) Math.min(bins - 1, Math.floor((d.get(r, unit) - lo) / (hi - lo) * bins));
            joint[b][d.y()[r]]++;
        }
        double n = rows.length;
        long[] py = new long[2];
        for (long[] row : joint) { py[0] += row[0]; py[1] += row[1]; }
        double mi = 0;
        for (long[] row : joint) {
            long pb = row[0] + row[1];
            for (int c = 0; c < 2; c++)
                if (row[c] > 0) mi += row[c] / n * Math.log(row[c] * n / ((double) pb * py[c]));
        }
        return mi;
    }

    private static void requireBoth(long[] cnt) {
        if (cnt[0] == 0 || cnt[1] == 0) throw new ConfigException("training rows hold only one class; feature selection needs both");
    }

    private static double sq(double v) { return v * v; }

    /** Top-k prefix of a ranking, as a fresh array. */
    static int[] top(int[] ranking, int k) { return Arrays.copyOf(ranking, Math.min(k, ranking.length)); }
}
