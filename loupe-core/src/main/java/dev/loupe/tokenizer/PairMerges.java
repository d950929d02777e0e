package dev.loupe.tokenizer;

/**
 * Open-addressing hash map from a token-id pair (left, right) to its merge (rank, merged id).
 * Exists because the large vocabularies have ~500k merges: boxed {@code HashMap<Long, ...>}
 * entries would cost ~5× the memory and a lot of the load time.
 */
final class PairMerges {
    private static final long EMPTY = -1L;
    private final long[] keys;   // (left << 32) | right, or EMPTY
    private final long[] values; // (rank << 32) | mergedId
    private final int mask;
    private int size;

    PairMerges(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
        keys = new long[cap];
        values = new long[cap];
        java.util.Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    /** Adds or replaces the merge of (left, right); HF keeps the last rank of a duplicated merge. */
    void put(int left, int right, int rank, int mergedId) {
        long key = key(left, right);
        int i = slot(key);
        while (keys[i] != EMPTY && keys[i] != key) i = (i + 1) & mask;
        if (keys[i] == EMPTY) {
            if (size + 1 > keys.length * 3 / 4) throw new IllegalStateException("PairMerges sized for fewer merges");
            keys[i] = key;
            size++;
        }
        values[i] = ((long) rank << 32) | (mergedId & 0xFFFFFFFFL);
    }

    /** (rank << 32) | mergedId for the pair, or -1 if the pair never merges. */
    long get(int left, int right) {
        long key = key(left, right);
        for (int i = slot(key); keys[i] != EMPTY; i = (i + 1) & mask) {
            if (keys[i] == key) return values[i];
        }
        return -1L;
    }

    private static long key(int left, int right) { return ((long) left << 32) | (right & 0xFFFFFFFFL); }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }
}
