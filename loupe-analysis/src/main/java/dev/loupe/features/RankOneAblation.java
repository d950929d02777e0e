// Rank-one ablation of a feature down to the point where it stops firing (Cunningham et al. 2023
// §5.2): for an activation x where feature f fires, the smallest alpha with
// encode(x - alpha * d_f)[f] <= 0, where d_f is the feature's decoder direction. Works for any
// Dictionary through encode() alone: a secant step on the firing side (exact in two or three
// encodes when the code is affine in alpha until it hits zero, as for ReLU SAEs and linear bases)
// and bisection otherwise (JumpReLU thresholds, top-k competition). The answer is an upper bracket:
// the feature is off at alpha and on at alpha * (1 - TOLERANCE) or closer, so the ablation removes
// no more of the direction than needed. Not a patching tool: dev.loupe.intervene applies ablations
// during a forward pass.
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
        int dIn = dict.dIn(), n = features.length;
        if (x.length != n * dIn) throw new IllegalArgumentException("x has " + x.length + " values, expected " + n + " rows of " + dIn);
        Map<Integer, float[]> dirs = new HashMap<>();
        for (int f : features) dirs.computeIfAbsent(f, dict::direction);
        float[] alpha = new float[n];
        int chunk = (int) Math.max(1, CHUNK_CODES / dict.dFeatures());
        for (int r0 = 0; r0 < n; r0 += chunk) solve(dict, x, features, dirs, r0, Math.min(n, r0 + chunk), alpha);
        return alpha;
    }

    private static void solve(Dictionary dict, float[] x, int[] features, Map<Integer, float[]> dirs, int r0, int r1, float[] alpha) {
        int m = r1 - r0, dIn = dict.dIn();
        double[] lo = new double[m], gLo = new double[m], hi = new double[m], slope = new double[m];
        float[] g = codesAt(dict, Arrays.copyOfRange(x, r0 * dIn, r1 * dIn), features, r0, m);
        int[] active = new int[m];
        int nActive = 0;
        for (int k = 0; k < m; k++) {
            if (!(g[k] > 0)) { alpha[r0 + k] = 0; continue; }
            gLo[k] = g[k];
            hi[k] = Double.POSITIVE_INFINITY;
            slope[k] = Double.NaN;
            active[nActive++] = k;
        }
        double[] probe = new double[m];
        for (int it = 0; it < MAX_ITERATIONS && nActive > 0; it++) {
            float[] rows = new float[nActive * dIn];
            int[] feats = new int[nActive];
            for (int j = 0; j < nActive; j++) {
                int k = active[j], r = r0 + k;
                float[] d = dirs.get(features[r]);
                probe[k] = next(lo[k], gLo[k], hi[k], slope[k], d);
                feats[j] = features[r];
                for (int c = 0; c < dIn; c++) rows[j * dIn + c] = (float) (x[r * dIn + c] - probe[k] * d[c]);
            }
            float[] gv = codesAt(dict, rows, feats, 0, nActive);
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
                if (hi[k] - lo[k] <= TOLERANCE * hi[k]) alpha[r0 + k] = (float) hi[k];
                else active[kept++] = k;
            }
            nActive = kept;
        }
        for (int j = 0; j < nActive; j++) alpha[r0 + active[j]] = Float.NaN;
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
        if (root > lo && root < hi) {
            double above = root * (1 + TOLERANCE / 2), below = root * (1 - TOLERANCE / 2);
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
