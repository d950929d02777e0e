// Uniform reservoir sampling for many independent streams at once (one per feature) by skips
// (Li 1994, "Algorithm L"): after a stream's reservoir of k is full, the index of the next item to
// keep is drawn directly, so an item that is not kept costs one comparison and no random number.
// Only the bookkeeping: the caller stores the kept items in the slot returned.
package dev.loupe.features;

import dev.loupe.util.Rng;

final class SkipReservoir {
    private final int k;
    private final long[] next;     // 1-based index of the next item to keep, per stream
    private final double[] w;
    private final Rng rng;

    SkipReservoir(int streams, int k, Rng rng) {
        this.k = k;
        this.next = new long[streams];
        this.w = new double[streams];
        this.rng = rng;
    }

    /** The slot where the seen-th item (1-based) of stream i goes, or -1 when it is not kept. */
    int offer(int i, long seen) {
        if (seen <= k) {
            if (seen == k) {
                w[i] = Math.exp(Math.log(uniform()) / k);
                next[i] = k + skip(i) + 1;
            }
            return (int) seen - 1;
        }
        if (seen < next[i]) return -1;
        int slot = rng.nextInt(k);
        w[i] *= Math.exp(Math.log(uniform()) / k);
        next[i] = seen + skip(i) + 1;
        return slot;
    }

    private long skip(int i) {
        return (long) Math.floor(Math.log(uniform()) / Math.log1p(-w[i]));
    }

    private double uniform() { return 1.0 - rng.nextDouble(); }   // (0, 1]
}
