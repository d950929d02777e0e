package dev.loupe.synthetic;

import dev.loupe.util.Rng;

import dev.loupe.dictionary.Baselines;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GroundTruthMetricsTest {
    @Test
    void mmcsByHand() {
        float[] truth = {1, 0, 0, 1};                 // e1, e2
        float[] learned = {2, 0, 0.6f, 0.8f, -1, 0};  // 2·e1 (cos 1 with e1), (0.6, 0.8), −e1
        // e1: max(1, 0.6, −1) = 1; e2: max(0, 0.8, 0) = 0.8 → mean 0.9
        assertEquals(0.9, GroundTruthMetrics.mmcs(truth, 2, learned, 3, 2), 1e-6);
    }

    @Test
    void hungarianFindsOptimalAssignment() {
        double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
        // optimum 5: (0→1, 1→0, 2→2) costs 1 + 2 + 2; the greedy row-wise choice would take 0→1 then clash
        int[] a = Hungarian.solve(cost);
        assertArrayEquals(new int[]{1, 0, 2}, a);
        double[][] rect = {{9, 1, 9, 9}, {1, 9, 9, 9}};
        assertArrayEquals(new int[]{1, 0}, Hungarian.solve(rect));
        // brute force over all permutations of a random 6×6 agrees
        var r = new dev.loupe.util.Rng(3);
        double[][] c = new double[6][6];
        for (double[] row : c) for (int j = 0; j < 6; j++) row[j] = r.nextDouble();
        int[] h = Hungarian.solve(c);
        double hc = 0;
        for (int i = 0; i < 6; i++) hc += c[i][h[i]];
        assertEquals(bruteForce(c, 0, new boolean[6]), hc, 1e-12);
    }

    static double bruteForce(double[][] c, int row, boolean[] used) {
        if (row == c.length) return 0;
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < c.length; j++) if (!used[j]) {
            used[j] = true;
            best = Math.min(best, c[row][j] + bruteForce(c, row + 1, used));
            used[j] = false;
        }
        return best;
    }

    @Test
    void mccIsOneForPermutedScaledCodesAndLowForNoise() {
        int rows = 500, n = 3;
        var r = new dev.loupe.util.Rng(5);
        float[] truth = new float[rows * n], codes = new float[rows * 4];
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < n; i++) truth[b * n + i] = r.nextFloat();
            codes[b * 4 + 2] = 3 * truth[b * n];            // feature 0 → code 2, scaled
            codes[b * 4] = -truth[b * n + 1];               // feature 1 → code 0, negated (|corr| = 1)
            codes[b * 4 + 3] = truth[b * n + 2] + 1;        // feature 2 → code 3, shifted
            codes[b * 4 + 1] = r.nextFloat();               // noise
        }
        assertEquals(1.0, GroundTruthMetrics.mcc(truth, n, codes, 4, rows), 1e-5);
        float[] noise = new float[rows * 4];
        for (int i = 0; i < noise.length; i++) noise[i] = r.nextFloat();
        assertTrue(GroundTruthMetrics.mcc(truth, n, noise, 4, rows) < 0.2);
    }

    @Test
    void syntheticSamplesHaveTheRequestedSparsityAndAreReproducible() {
        SyntheticData d = new SyntheticData(new SyntheticConfig(64, 16, 4, 1.0, 0.5, 8, 2));
        int rows = 4000;
        float[] coeffs = new float[rows * 64];
        float[] x = d.rows(0, rows, coeffs);
        long active = 0;
        for (float c : coeffs) { if (c != 0) { active++; assertTrue(c > 0 && c <= 1); } }
        assertEquals(4.0, (double) active / rows, 0.25);
        assertArrayEquals(x, d.rows(0, rows, null));
        double[] p = d.probabilities();
        assertTrue(p[0] > p[63], "decaying frequencies");
        var src = d.source();
        float[] a = new float[16 * 5], b = new float[16 * 5];
        src.seek(100);
        src.next(a, 5);
        System.arraycopy(d.rows(100, 5, null), 0, b, 0, b.length);
        assertArrayEquals(b, a);
        assertTrue(GroundTruthMetrics.mmcs(d, Baselines.neuronBasis(16)) < 0.9);
    }
}
