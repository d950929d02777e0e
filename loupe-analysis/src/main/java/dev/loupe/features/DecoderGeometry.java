// Geometry of decoder directions: each feature's nearest features by decoder cosine in its own
// dictionary, and, for a family of dictionaries of increasing size on the same site, each
// feature's best matches in the next size (the feature-splitting map of Bricken et al. 2023 /
// Cunningham et al. 2023). Cosines come from chunked GEMMs of unit-normalised decoder rows.
package dev.loupe.features;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.tensor.Kernels;
import dev.loupe.util.ConfigException;

public final class DecoderGeometry {
    private static final int CHUNK = 256;

    private DecoderGeometry() {}

    /** For each feature (row) of one dictionary: the indices [rows, n] and cosines of its best matches, best first. */
    public record Matches(int n, int[] index, float[] cosine) {
        public int feature(int row, int rank) { return index[row * n + rank]; }
        public float cosine(int row, int rank) { return cosine[row * n + rank]; }
    }

    /** Decoder rows [F, dIn] scaled to unit length (zero rows stay zero). */
    public static float[] unitDirections(Dictionary d) {
        int F = d.dFeatures(), dIn = d.dIn();
        float[] out = new float[F * dIn];
        for (int f = 0; f < F; f++) {
            float[] v = d.direction(f);
            double ss = 0;
            for (float x : v) ss += (double) x * x;
            float inv = ss > 0 ? (float) (1 / Math.sqrt(ss)) : 0f;
            for (int j = 0; j < dIn; j++) out[f * dIn + j] = v[j] * inv;
        }
        return out;
    }

    /** The n nearest other features of each feature of d by decoder cosine. */
    public static Matches neighbours(Dictionary d, int n) {
        float[] u = unitDirections(d);
        return nearest(u, d.dFeatures(), u, d.dFeatures(), d.dIn(), n, true);
    }

    /** For each feature of `smaller`: its n best matches among the features of `larger` (same site). */
    public static Matches splitting(Dictionary smaller, Dictionary larger, int n) {
        if (smaller.dIn() != larger.dIn())
            throw new ConfigException("feature-splitting map needs dictionaries on the same site, but they read " + smaller.dIn() + " and "
                    + larger.dIn() + " wide activations");
        return nearest(unitDirections(smaller), smaller.dFeatures(), unitDirections(larger), larger.dFeatures(), smaller.dIn(), n, false);
    }

    private static Matches nearest(float[] a, int na, float[] b, int nb, int dIn, int n, boolean self) {
        int k = Math.min(n, nb - (self ? 1 : 0));
        int[] index = new int[na * k];
        float[] cos = new float[na * k];
        float[] sims = new float[Math.min(CHUNK, na) * nb];
        for (int r0 = 0; r0 < na; r0 += CHUNK) {
            int rows = Math.min(CHUNK, na - r0);
            Kernels.gemm().sgemm(false, true, rows, nb, dIn, 1f, a, r0 * dIn, dIn, b, 0, dIn, 0f, sims, 0, nb);
            for (int r = 0; r < rows; r++) {
                int[] top = TopN.largest(sims, r * nb, nb, k, self ? r0 + r : -1);
                for (int j = 0; j < top.length; j++) {
                    index[(r0 + r) * k + j] = top[j];
                    cos[(r0 + r) * k + j] = sims[r * nb + top[j]];
                }
            }
        }
        return new Matches(k, index, cos);
    }
}
