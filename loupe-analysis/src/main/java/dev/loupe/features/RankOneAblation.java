// Rank-one ablation of a feature down to the point where it stops firing (Cunningham et al. 2023
// §5.2): for an activation x where feature f fires, the smallest alpha with
// encode(x - alpha * d_f)[f] <= 0, where d_f is the feature's decoder direction. Works for any
// Dictionary through encode() alone: a secant step on the firing side (exact in two or three
// encodes when the code is affine in alpha until it hits zero, as for ReLU SAEs and linear bases)
// and bisection otherwise (JumpReLU thresholds, top-k competition). The answer is an upper bracket:
// the feature is off at alpha and on at alpha * (1 - TOLERANCE) or closer, so the ablation removes
// no more of the direction than needed. For the SAE variants with affine pre-activations
// (AffineEncoder: standard, jumprelu, topk) the switch-off point has a closed form, which one
// encode then confirms; the search only runs where that check fails. Not a patching tool:
// dev.loupe.intervene applies ablations during a forward pass.
package dev.loupe.features;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.tensor.Tensor;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

public final class RankOneAblation {
    /** Relative bracket width of the returned alpha. */
    public static final double TOLERANCE = 1e-4;
    private static final int MAX_ITERATIONS = 64;
    private static final long CHUNK_CODES = 1L << 22;   // rows per encode x features, bounds the probe memory

    private RankOneAblation() {}

    /** x - alpha * d. */
    public static float[] ablate(float[] x, float[] d, float alpha) {
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) out[j] = x[j] - alpha * d[j];
        return out;
    }

    /**
     * For each row r of x [n, dIn]: the alpha that stops feature features[r] (0 where it does not
     * fire at x, NaN where 64 probes do not bracket the switch-off point to TOLERANCE).
     */
    public static float[] alphas(Dictionary dict, float[] x, int[] features) {
        return alphas(dict, x, features, null);
    }

    /**
     * As {@link #alphas(Dictionary, float[], int[])} with the codes at x already known (codes[r] of
     * feature features[r]; saves one encode). Dictionaries with an AffineEncoder get the closed-form
     * switch-off point, checked by one encode of all rows; rows it does not settle are searched.
     */
    public static float[] alphas(Dictionary dict, float[] x, int[] features, float[] codes) {
        int dIn = dict.dIn(), n = features.length;
        if (x.length != n * dIn) throw new IllegalArgumentException("x has " + x.length + " values, expected " + n + " rows of " + dIn);
        Map<Integer, float[]> dirs = new HashMap<>();
        for (int f : features) dirs.computeIfAbsent(f, dict::direction);
        float[] alpha = new float[n];
        int chunk = (int) Math.max(1, CHUNK_CODES / dict.dFeatures());
        AffineEncoder affine = AffineEncoder.of(dict);
        for (int r0 = 0; r0 < n; r0 += chunk) {
            int[] rows = new int[Math.min(n, r0 + chunk) - r0];
            for (int k = 0; k < rows.length; k++) rows[k] = r0 + k;
            if (affine != null) rows = closedForm(dict, affine, x, features, codes, dirs, rows, alpha);
            solve(dict, x, features, codes, dirs, rows, alpha);
        }
        return alpha;
    }

    /** For tests: the rows (indices into features) the closed form leaves to the search; null without an AffineEncoder. */
    static int[] unsettled(Dictionary dict, float[] x, int[] features) {
        AffineEncoder affine = AffineEncoder.of(dict);
        if (affine == null) return null;
        Map<Integer, float[]> dirs = new HashMap<>();
        for (int f : features) dirs.computeIfAbsent(f, dict::direction);
        int[] rows = new int[features.length];
        for (int k = 0; k < rows.length; k++) rows[k] = k;
        return closedForm(dict, affine, x, features, null, dirs, rows, new float[features.length]);
    }

    /**
     * Sets alpha to just past the closed-form switch-off point (the bracket solve() would reach) for
     * the rows where one encode confirms that the feature is off there; returns the other rows.
     */
    private static int[] closedForm(Dictionary dict, AffineEncoder affine, float[] x, int[] features, float[] codes,
                                    Map<Integer, float[]> dirs, int[] rows, float[] alpha) {
        int m = rows.length, dIn = dict.dIn(), F = dict.dFeatures();
        float[] xs = new float[m * dIn];
        int[] feats = new int[m];
        for (int j = 0; j < m; j++) {
            System.arraycopy(x, rows[j] * dIn, xs, j * dIn, dIn);
            feats[j] = features[rows[j]];
        }
        float[] g = new float[m];                      // the codes at x
        if (codes != null) for (int j = 0; j < m; j++) g[j] = codes[rows[j]];
        else g = codesAt(dict, xs, feats, 0, m);
        double[] off = new double[m];
        if (affine.elementwise()) {
            Map<Integer, Double> slope = new HashMap<>();   // one strided dot product per feature, not per row
            for (int j = 0; j < m; j++) {
                int f = feats[j];
                off[j] = affine.switchOff(g[j], slope.computeIfAbsent(f, k -> affine.slope(dirs.get(k), k)), f);
            }
        } else {
            Map<Integer, Integer> slot = new HashMap<>();
            for (int f : feats) slot.putIfAbsent(f, slot.size());
            float[] d = new float[slot.size() * dIn];
            slot.forEach((f, s) -> System.arraycopy(dirs.get(f), 0, d, s * dIn, dIn));
            float[] pre = affine.pre(xs, m), slope = affine.slopes(d, slot.size());
            for (int j = 0; j < m; j++) off[j] = affine.switchOff(pre, j * F, slope, slot.get(feats[j]) * F, feats[j]);
        }
        float[] probe = new float[m * dIn], a = new float[m];
        for (int j = 0; j < m; j++) {
            a[j] = Double.isNaN(off[j]) ? Float.NaN : (float) (off[j] * (1 + TOLERANCE / 2));
            float[] dir = dirs.get(feats[j]);
            for (int c = 0; c < dIn; c++) probe[j * dIn + c] = xs[j * dIn + c] - a[j] * dir[c];
        }
        float[] after = codesAt(dict, probe, feats, 0, m);
        int[] rest = new int[m];
        int left = 0;
        for (int j = 0; j < m; j++) {
            if (!(g[j] > 0)) alpha[rows[j]] = 0;
            else if (a[j] > 0 && !(after[j] > 0)) alpha[rows[j]] = a[j];
            else rest[left++] = rows[j];
        }
        return Arrays.copyOf(rest, left);
    }

    /** The bracketing search of the file comment for the given rows. */
    private static void solve(Dictionary dict, float[] x, int[] features, float[] codes, Map<Integer, float[]> dirs, int[] rows, float[] alpha) {
        int m = rows.length, dIn = dict.dIn();
        if (m == 0) return;
        double[] lo = new double[m], gLo = new double[m], hi = new double[m], slope = new double[m];
        float[] g;
        if (codes != null) {
            g = new float[m];
            for (int k = 0; k < m; k++) g[k] = codes[rows[k]];
        } else {
            float[] xs = new float[m * dIn];
            int[] fs = new int[m];
            for (int k = 0; k < m; k++) { System.arraycopy(x, rows[k] * dIn, xs, k * dIn, dIn); fs[k] = features[rows[k]]; }
            g = codesAt(dict, xs, fs, 0, m);
        }
        int[] active = new int[m];
        int nActive = 0;
        for (int k = 0; k < m; k++) {
            if (!(g[k] > 0)) { alpha[rows[k]] = 0; continue; }
            gLo[k] = g[k];
            hi[k] = Double.POSITIVE_INFINITY;
            slope[k] = Double.NaN;
            active[nActive++] = k;
        }
        double[] probe = new double[m];
        for (int it = 0; it < MAX_ITERATIONS && nActive > 0; it++) {
            float[] probeRows = new float[nActive * dIn];
            int[] feats = new int[nActive];
            for (int j = 0; j < nActive; j++) {
                int k = active[j], r = rows[k];
                float[] d = dirs.get(features[r]);
                float a = (float) next(lo[k], gLo[k], hi[k], slope[k], d);   // float, and ablate()'s arithmetic: callers reproduce it exactly
                probe[k] = a;
                feats[j] = features[r];
                for (int c = 0; c < dIn; c++) probeRows[j * dIn + c] = x[r * dIn + c] - a * d[c];
            }
            float[] gv = codesAt(dict, probeRows, feats, 0, nActive);
            int kept = 0;
            for (int j = 0; j < nActive; j++) {
                int k = active[j];
                double a = probe[k];
                if (gv[j] > 0) {
                    slope[k] = (gLo[k] - gv[j]) / (a - lo[k]);
                    lo[k] = a;
                    gLo[k] = gv[j];
                } else {
                    hi[k] = a;
                }
                if (hi[k] < Double.POSITIVE_INFINITY && hi[k] - lo[k] <= TOLERANCE * hi[k]) alpha[rows[k]] = (float) hi[k];
                else active[kept++] = k;
            }
            nActive = kept;
        }
        for (int j = 0; j < nActive; j++) alpha[rows[active[j]]] = Float.NaN;
    }

    /** The next probe: just past the secant root when it is inside the bracket, else bisection or expansion. */
    private static double next(double lo, double gLo, double hi, double slope, float[] d) {
        double root = slope > 0 ? lo + gLo / slope : Double.NaN;
        if (hi == Double.POSITIVE_INFINITY) {
            if (!Double.isNaN(root)) return root * (1 + TOLERANCE / 2);
            if (lo > 0) return 2 * lo;
            double dd = 0;
            for (float v : d) dd += (double) v * v;
            return gLo / Math.max(dd, 1e-30);      // exact for a tied encoder row equal to d
        }
        if (root > lo && root < hi) {   // compared as the floats that will be probed
            float above = (float) (root * (1 + TOLERANCE / 2)), below = (float) (root * (1 - TOLERANCE / 2));
            if (above < hi) return above;
            if (below > lo) return below;
        }
        return (lo + hi) / 2;
    }

    /** codes[r, features[r]] of encode(rows) for m rows. */
    private static float[] codesAt(Dictionary dict, float[] rows, int[] features, int offset, int m) {
        int F = dict.dFeatures();
        float[] codes = dict.encode(new Tensor(rows, m, dict.dIn())).data();
        float[] out = new float[m];
        for (int k = 0; k < m; k++) out[k] = codes[k * F + features[offset + k]];
        return out;
    }
}
