// Counts and activation sums per (feature, token, fine activation bin) of one FeatureBlock, in an
// open-addressing hash table (linear probing, long keys): one probe per firing entry. Its size is
// bounded by the distinct triples seen (at most features x vocab x bins), not by corpus length.
// From it the analysis derives the per-token table (summing bins) and, per histogram bin, which
// tokens produced it (Cunningham et al. 2023 Fig. 4 left). Not thread-safe: one per block.
package dev.loupe.features;

import java.util.Arrays;

final class TokenBinCounts {
    private final int vocab;
    private long[] keys;       // key + 1; 0 = empty
    private int[] counts;
    private float[] sums;
    private int size, mask;

    TokenBinCounts(int vocab) {
        this.vocab = vocab;
        allocate(1 << 12);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        counts = new int[capacity];
        sums = new float[capacity];
        mask = capacity - 1;
        size = 0;
    }

    private long key(int feature, int token, int bin) {
        return ((long) feature * vocab + token) * ActivationBins.COUNT + bin + 1;
    }

    void add(int feature, int token, int bin, float act) {
        long k = key(feature, token, bin);
        int slot = (int) ((k * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        while (true) {
            long cur = keys[slot];
            if (cur == k) { counts[slot]++; sums[slot] += act; return; }
            if (cur == 0) break;
            slot = (slot + 1) & mask;
        }
        keys[slot] = k;
        counts[slot] = 1;
        sums[slot] = act;
        if (++size * 3 > keys.length * 2) grow();
    }

    private void grow() {
        long[] k = keys; int[] c = counts; float[] s = sums;
        allocate(keys.length * 2);
        for (int i = 0; i < k.length; i++) {
            if (k[i] == 0) continue;
            int slot = (int) ((k[i] * 0x9E3779B97F4A7C15L) >>> 40) & mask;
            while (keys[slot] != 0) slot = (slot + 1) & mask;
            keys[slot] = k[i]; counts[slot] = c[i]; sums[slot] = s[i];
            size++;
        }
    }

    /** Entries grouped by feature: for feature i, rows [start[i], start[i+1]) of token, bin, count, sum. */
    record Grouped(int[] start, int[] token, int[] bin, int[] count, float[] sum) {}

    Grouped grouped(int features) {
        int[] start = new int[features + 1];
        for (long k : keys) if (k != 0) start[(int) ((k - 1) / ActivationBins.COUNT / vocab) + 1]++;
        for (int i = 0; i < features; i++) start[i + 1] += start[i];
        int[] fill = Arrays.copyOf(start, features);
        int[] token = new int[size], bin = new int[size], count = new int[size];
        float[] sum = new float[size];
        for (int i = 0; i < keys.length; i++) {
            long k = keys[i] - 1;
            if (k < 0) continue;
            int b = (int) (k % ActivationBins.COUNT);
            long ft = k / ActivationBins.COUNT;
            int f = (int) (ft / vocab), at = fill[f]++;
            token[at] = (int) (ft % vocab); bin[at] = b; count[at] = counts[i]; sum[at] = sums[i];
        }
        return new Grouped(start, token, bin, count, sum);
    }

    int size() { return size; }
}
