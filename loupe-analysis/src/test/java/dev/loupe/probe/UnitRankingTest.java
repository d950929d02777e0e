// Feature-selection scores against hand-computed values, and the L1 path's entry order on a case
// where the order is forced.
package dev.loupe.probe;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class UnitRankingTest {
    private static ProbeData column(float[] x, int[] y) {
        return new ProbeData(x, x.length, 1, y, new long[x.length]);
    }

    private static int[] all(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    @Test
    void meanDifferenceAndFStatistic() {
        ProbeData d = column(new float[] {1, 2, 3, 4, 5, 6}, new int[] {0, 0, 0, 1, 1, 1});
        assertEquals(3.0, UnitRanking.meanDifferences(d, all(6))[0], 1e-12);
        // means 2 and 5, grand 3.5: between = 3*1.5^2 * 2 = 13.5 (1 df); within = 2 + 2 = 4 (4 df)
        assertEquals(13.5, UnitRanking.fStatistics(d, all(6))[0], 1e-12);
        ProbeData separated = column(new float[] {0, 0, 1, 1}, new int[] {0, 0, 1, 1});
        assertEquals(Double.POSITIVE_INFINITY, UnitRanking.fStatistics(separated, all(4))[0]);
    }

    @Test
    void mutualInformationInNats() {
        assertEquals(Math.log(2), UnitRanking.mutualInformation(column(new float[] {0, 0, 1, 1}, new int[] {0, 0, 1, 1}), all(4), 16)[0], 1e-12);
        assertEquals(0.0, UnitRanking.mutualInformation(column(new float[] {0, 1, 0, 1}, new int[] {0, 0, 1, 1}), all(4), 2)[0], 1e-12);
        // joint counts: bin0 {y0: 2, y1: 1}, bin1 {y1: 1}; I = .5 ln(4/3) + .25 ln(2/3) + .25 ln 2
        double expected = 0.5 * Math.log(4.0 / 3) + 0.25 * Math.log(2.0 / 3) + 0.25 * Math.log(2);
        assertEquals(expected, UnitRanking.mutualInformation(column(new float[] {0, 0, 0, 1}, new int[] {0, 0, 1, 1}), all(4), 2)[0], 1e-12);
        assertEquals(0.0, UnitRanking.mutualInformation(column(new float[] {3, 3, 3, 3}, new int[] {0, 0, 1, 1}), all(4), 2)[0]);
    }

    @Test
    void rankingsPutTheInformativeUnitFirst() {
        // unit 2 carries the label strongly, unit 0 weakly (independent noise), units 1 and 3 are noise
        SplittableRandom r = new SplittableRandom(3);
        int n = 400, u = 4;
        float[] x = new float[n * u];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(2);
            x[i * u] = (float) (0.6 * y[i] + r.nextGaussian());
            x[i * u + 1] = (float) r.nextGaussian();
            x[i * u + 2] = (float) (1.5 * y[i] + r.nextGaussian());
            x[i * u + 3] = (float) r.nextGaussian();
        }
        ProbeData d = new ProbeData(x, n, u, y, new long[n]);
        for (UnitRanking.Method m : UnitRanking.Method.values()) {
            int[] rank = UnitRanking.rank(d, all(n), m);
            assertEquals(2, rank[0], m.name());
            assertEquals(u, java.util.Arrays.stream(rank).distinct().count(), m + " must rank every unit once");
        }
        int[] l1 = UnitRanking.rank(d, all(n), UnitRanking.Method.L1_PATH);
        assertEquals(0, l1[1], "the weakly informative unit enters the L1 path second");
    }
}
