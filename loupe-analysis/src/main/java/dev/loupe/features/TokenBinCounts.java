// Counts and activation sums per (feature, token, fine activation bin) of one FeatureBlock, in an
// open-addressing hash table (linear probing, long keys; key and value side by side, so a probe
// touches one cache line): one probe per firing entry, issued in groups of PENDING so that their
// cache misses overlap. Memory is bounded: the distinct triples grow with the corpus (with a
// 50k vocabulary nearly every firing is a new triple), so once the table reaches its slot cap it
// is pruned by lossy counting (Manku & Motwani 2002): triples counted at most T times are dropped,
// T rising by one per round, until it is a third full. Frequent triples survive and are then
// counted exactly; a dropped triple lost at most T counts per round it was dropped in; a triple
// seen at most T times in all may be missing. pruned() and threshold() report what was lost.
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

    /** Slots per table at most (16 bytes each): 16 MB per block, 256 MB for an analysis's 16 blocks. */
    static final int MAX_SLOTS = 1 << 20;
    private final int maxSlots;
    private int threshold;
    private long pruned;

    TokenBinCounts(int vocab) {
        this(vocab, MAX_SLOTS);
    }

    TokenBinCounts(int vocab, int maxSlots) {
        if (Integer.bitCount(maxSlots) != 1 || maxSlots < 1 << 4) throw new IllegalArgumentException("maxSlots must be a power of two >= 16, got " + maxSlots);
        this.vocab = vocab;
        this.maxSlots = maxSlots;
        allocate(Math.min(1 << 12, maxSlots));
    }

    /** Triples dropped by pruning (each counted at most threshold() times when dropped); 0 = the counts are exact. */
    long pruned() { return pruned; }

    int threshold() { return threshold; }

    int capacity() { return mask + 1; }

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
        if (++size * 3 > (mask + 1) * 2) {
            if (mask + 1 < maxSlots) rehash(2 * (mask + 1), 0);
            else do rehash(mask + 1, ++threshold); while (size * 3 > mask + 1);
        }
    }

    /** Moves the entries counted more than minCount times into a fresh table of the given capacity. */
    private void rehash(int capacity, int minCount) {
        long[] old = table;
        allocate(capacity);
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] == 0) continue;
            if ((int) (old[i + 1] >>> 32) <= minCount) { pruned++; continue; }
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
