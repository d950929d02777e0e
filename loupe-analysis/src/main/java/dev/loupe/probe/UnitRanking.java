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
        return switch (method) {
            case MEAN_DIFF -> order(meanDifferences(d, rows));
            case F_STAT -> order(fStatistics(d, rows));
            case MUTUAL_INFO -> order(mutualInformation(d, rows, MI_BINS));
            case L1_PATH -> L1Path.entryOrder(d, rows, d.units(), needed);
        };
    }

    static int[] order(double[] score) {
        return IntStream.range(0, score.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> -score[j]).thenComparingInt(j -> j))
                .mapToInt(Integer::intValue).toArray();
    }

    /** Per-class sums [2][units], sums of squares [2][units] and counts [2], in one row-major pass over the rows. */
    private record ClassSums(double[][] sum, double[][] sumSq, long[] count) {
        static ClassSums of(ProbeData d, int[] rows) {
            int u = d.units();
            double[][] sum = new double[2][u], sumSq = new double[2][u];
            long[] cnt = new long[2];
            for (int r : rows) {
                int c = d.y()[r], base = r * u;
                double[] s = sum[c], q = sumSq[c];
                for (int j = 0; j < u; j++) { double v = d.x()[base + j]; s[j] += v; q[j] += v * v; }
                cnt[c]++;
            }
            if (cnt[0] == 0 || cnt[1] == 0) throw new ConfigException("training rows hold only one class; feature selection needs both");
            return new ClassSums(sum, sumSq, cnt);
        }
    }

    static double[] meanDifferences(ProbeData d, int[] rows) {
        ClassSums cs = ClassSums.of(d, rows);
        double[] out = new double[d.units()];
        for (int j = 0; j < out.length; j++) out[j] = Math.abs(cs.sum()[1][j] / cs.count()[1] - cs.sum()[0][j] / cs.count()[0]);
        return out;
    }

    static double[] fStatistics(ProbeData d, int[] rows) {
        if (rows.length <= 2) throw new ConfigException("the F statistic needs more than 2 training rows");
        ClassSums cs = ClassSums.of(d, rows);
        double[] out = new double[d.units()];
        for (int j = 0; j < out.length; j++) {
            double grand = (cs.sum()[0][j] + cs.sum()[1][j]) / rows.length, between = 0, within = 0, scale = 0;
            for (int c = 0; c < 2; c++) {
                double n = cs.count()[c], mean = cs.sum()[c][j] / n;
                between += n * (mean - grand) * (mean - grand);
                within += cs.sumSq()[c][j] - n * mean * mean;
                scale += cs.sumSq()[c][j];
            }
            if (within <= 1e-12 * scale) out[j] = between == 0 ? 0 : Double.POSITIVE_INFINITY;   // zero within-class spread, up to rounding
            else out[j] = between / (within / (rows.length - 2));
        }
        return out;
    }

    static double[] mutualInformation(ProbeData d, int[] rows, int bins) {
        int u = d.units();
        double[] lo = new double[u], hi = new double[u];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int r : rows)
            for (int j = 0; j < u; j++) { double v = d.x()[r * u + j]; lo[j] = Math.min(lo[j], v); hi[j] = Math.max(hi[j], v); }
        long[] joint = new long[u * bins * 2];            // [unit, bin, class]
        long[] py = new long[2];
        for (int r : rows) {
            int c = d.y()[r];
            py[c]++;
            for (int j = 0; j < u; j++) {
                if (hi[j] == lo[j]) continue;
                int b = (int) Math.min(bins - 1, Math.floor((d.x()[r * u + j] - lo[j]) / (hi[j] - lo[j]) * bins));
                joint[(j * bins + b) * 2 + c]++;
            }
        }
        double n = rows.length;
        double[] out = new double[u];
        for (int j = 0; j < u; j++) {
            if (hi[j] == lo[j]) continue;                 // constant unit: no information
            double mi = 0;
            for (int b = 0; b < bins; b++) {
                long n0 = joint[(j * bins + b) * 2], n1 = joint[(j * bins + b) * 2 + 1], pb = n0 + n1;
                if (n0 > 0) mi += n0 / n * Math.log(n0 * n / ((double) pb * py[0]));
                if (n1 > 0) mi += n1 / n * Math.log(n1 * n / ((double) pb * py[1]));
            }
            out[j] = mi;
        }
        return out;
    }

    /** Top-k prefix of a ranking, as a fresh array. */
    static int[] top(int[] ranking, int k) { return Arrays.copyOf(ranking, Math.min(k, ranking.length)); }
}
