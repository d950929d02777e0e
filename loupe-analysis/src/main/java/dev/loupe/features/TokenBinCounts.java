// Counts and activation sums per (feature, token, fine activation bin) of one FeatureBlock, in an
// open-addressing hash table (linear probing, long keys; key and value side by side, so a probe
// touches one cache line): one probe per firing entry, issued in groups of PENDING so that their
// cache misses overlap. Its size is bounded by the distinct
// triples seen (at most features x vocab x bins), not by corpus length.
// From it the analysis derives the per-token table (summing bins) and, per histogram bin, which
// tokens produced it (Cunningham et al. 2023 Fig. 4 left). Not thread-safe: one per block.
package dev.loupe.features;

import java.util.Arrays;

final class TokenBinCounts {
    private final int vocab;
    private long[] table;      // [capacity, 2]: key + 1 (0 = empty), then count << 32 | float bits of the sum: one cache line per probe
    private int size, mask;
    private static final int PENDING = 32;
    private final long[] pendingKey = new long[PENDING];
    private final float[] pendingAct = new float[PENDING];
    private int pending;
    private long sink;         // keeps the touching loads of flush() from being optimised away

    TokenBinCounts(int vocab) {
        this.vocab = vocab;
        allocate(1 << 12);
    }

    private void allocate(int capacity) {
        table = new long[2 * capacity];
        mask = capacity - 1;
        size = 0;
    }

    private long key(int feature, int token, int bin) {
        return ((long) feature * vocab + token) * ActivationBins.COUNT + bin + 1;
    }

    private static long pack(int count, float sum) {
        return (long) count << 32 | (Float.floatToRawIntBits(sum) & 0xFFFFFFFFL);
    }

    private int slotOf(long k) {
        return (int) ((k * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    void add(int feature, int token, int bin, float act) {
        pendingKey[pending] = key(feature, token, bin);
        pendingAct[pending] = act;
        if (++pending == PENDING) flush();
    }

    /**
     * Applies the pending adds in two steps: first one load of each key's home slot (independent
     * loads, which the CPU overlaps instead of paying one cache miss after another), then the
     * inserts, which find those lines in cache.
     */
    private void flush() {
        long touched = 0;
        for (int j = 0; j < pending; j++) touched += table[2 * slotOf(pendingKey[j])];
        sink = touched;
        for (int j = 0; j < pending; j++) insert(pendingKey[j], pendingAct[j]);
        pending = 0;
    }

    private void insert(long k, float act) {
        int slot = slotOf(k);
        while (true) {
            long cur = table[2 * slot];
            if (cur == k) {
                long v = table[2 * slot + 1];
                table[2 * slot + 1] = pack((int) (v >>> 32) + 1, Float.intBitsToFloat((int) v) + act);
                return;
            }
            if (cur == 0) break;
            slot = (slot + 1) & mask;
        }
        table[2 * slot] = k;
        table[2 * slot + 1] = pack(1, act);
        if (++size * 3 > (mask + 1) * 2) grow();
    }

    private void grow() {
        long[] old = table;
        allocate(2 * (mask + 1));
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] == 0) continue;
            int slot = slotOf(old[i]);
            while (table[2 * slot] != 0) slot = (slot + 1) & mask;
            table[2 * slot] = old[i];
            table[2 * slot + 1] = old[i + 1];
            size++;
        }
    }

    /** Entries grouped by feature: for feature i, rows [start[i], start[i+1]) of token, bin, count, sum. */
    record Grouped(int[] start, int[] token, int[] bin, int[] count, float[] sum) {}

    Grouped grouped(int features) {
        flush();
        int[] start = new int[features + 1];
        for (int i = 0; i < table.length; i += 2) if (table[i] != 0) start[(int) ((table[i] - 1) / ActivationBins.COUNT / vocab) + 1]++;
        for (int i = 0; i < features; i++) start[i + 1] += start[i];
        int[] fill = Arrays.copyOf(start, features);
        int[] token = new int[size], bin = new int[size], count = new int[size];
        float[] sum = new float[size];
        for (int i = 0; i < table.length; i += 2) {
            long k = table[i] - 1;
            if (k < 0) continue;
            int b = (int) (k % ActivationBins.COUNT);
            long ft = k / ActivationBins.COUNT;
            int f = (int) (ft / vocab), at = fill[f]++;
            token[at] = (int) (ft % vocab); bin[at] = b; count[at] = (int) (table[i + 1] >>> 32); sum[at] = Float.intBitsToFloat((int) table[i + 1]);
        }
        return new Grouped(start, token, bin, count, sum);
    }
}
