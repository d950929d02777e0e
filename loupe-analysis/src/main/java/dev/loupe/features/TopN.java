// Indices of the n largest values of a slice, largest first (ties: lower index first), by one scan
// with a small sorted buffer: O(len + insertions x n), cheap when n is much smaller than len.
package dev.loupe.features;

final class TopN {
    private TopN() {}

    /** The n largest of v[off, off + len) as indices into the slice, skipping index `exclude` (-1: none) and NaNs. */
    static int[] largest(float[] v, int off, int len, int n, int exclude) {
        return select(v, off, len, n, exclude, 1f);
    }

    /** The n smallest (most negative) of the slice, smallest first. */
    static int[] smallest(float[] v, int off, int len, int n) {
        return select(v, off, len, n, -1, -1f);
    }

    private static int[] select(float[] v, int off, int len, int n, int exclude, float sign) {
        int k = Math.min(n, len - (exclude >= 0 && exclude < len ? 1 : 0));
        int[] idx = new int[Math.max(k, 0)];
        float[] val = new float[idx.length];
        int size = 0;
        for (int i = 0; i < len && k > 0; i++) {
            if (i == exclude) continue;
            float x = sign * v[off + i];
            if (Float.isNaN(x) || (size == k && x <= val[k - 1])) continue;
            int at = size == k ? k - 1 : size++;
            while (at > 0 && val[at - 1] < x) { val[at] = val[at - 1]; idx[at] = idx[at - 1]; at--; }
            val[at] = x;
            idx[at] = i;
        }
        return size == idx.length ? idx : java.util.Arrays.copyOf(idx, size);
    }
}
