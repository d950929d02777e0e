package dev.loupe.intervene;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.sae.SaeOps;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Small helpers every intervention shares: a dictionary's directions as a matrix, adding a combination
 * of them to activation rows (through the one GEMM), the row count of a hook activation with a clear
 * width check, and ranking features by a score. Package-private plumbing, not API.
 */
final class FeatureSpace {
    private FeatureSpace() {}

    /** Decoder rows of {@code features}, stacked [k, dIn]. */
    static float[] directions(Dictionary dict, int[] features) {
        int d = dict.dIn();
        float[] out = new float[features.length * d];
        for (int i = 0; i < features.length; i++) System.arraycopy(dict.direction(features[i]), 0, out, i * d, d);
        return out;
    }

    /** x[n, d] += coef[n, k] · dirs[k, d]. */
    static void addCombination(float[] x, int n, int d, float[] coef, float[] dirs, int k) {
        if (k > 0) SaeOps.mm(false, false, n, d, k, coef, dirs, 1f, x);
    }

    /** Number of dIn-wide rows in a hook activation, or a one-line error when the widths differ. */
    static int rows(Tensor act, int d, String hook) {
        if (act.dim(-1) != d)
            throw new ConfigException("the dictionary reads width " + d + " but hook '" + hook + "' has width " + act.dim(-1)
                    + " (shape " + Arrays.toString(act.shape()) + "); pick the hook the dictionary was trained on");
        return act.numel() / d;
    }

    /** ‖d_j‖₂ of every feature of a stacked direction matrix [m, d]. */
    static double[] norms(float[] dirs, int m, int d) {
        double[] out = new double[m];
        for (int j = 0; j < m; j++) {
            double ss = 0;
            for (int k = 0; k < d; k++) ss += (double) dirs[j * d + k] * dirs[j * d + k];
            out[j] = Math.sqrt(ss);
        }
        return out;
    }

    /** Indices with a positive score, by decreasing score (ties: lower index first), at most {@code max}. */
    static int[] topPositive(double[] score, int max) {
        return IntStream.range(0, score.length).filter(j -> score[j] > 0).boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> -score[j]).thenComparingInt(j -> j))
                .limit(max).mapToInt(Integer::intValue).toArray();
    }
}
