package dev.loupe.tokenizer;

import dev.loupe.util.FormatException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model of a HuggingFace {@code tokenizer.json}: turns one pre-token into ids. Must agree
 * with {@code tokenizers::models::bpe::BPE} (merge_word + tokenize): characters become symbols
 * (missing ones go to {@code <0xNN>} byte tokens with byte_fallback, else to unk, fused if
 * fuse_unk, else are dropped as HF does), then the lowest-rank adjacent pair is merged repeatedly,
 * leftmost first on ties, with a priority queue and lazy invalidation (O(n log n) per pre-token).
 * Not supported (rejected at load): dropout, continuing_subword_prefix, end_of_word_suffix.
 */
final class Bpe {
    private static final int CACHE_MAX_ENTRIES = 50_000;
    private static final int CACHE_MAX_WORD = 256;

    private final Map<String, Integer> vocab;
    private final String[] idToToken;          // model vocab only; added tokens live in AddedTokens
    private final PairMerges merges;
    private final Integer unkId;
    private final boolean fuseUnk, byteFallback, ignoreMerges;
    private final int[] byteTokenIds;          // id of <0xNN> for each byte, -1 if absent
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param merges each merge as its two parts, in rank order
     * @param file   named in error messages
     */
    Bpe(Map<String, Integer> vocab, List<String[]> merges, String unkToken, boolean fuseUnk,
        boolean byteFallback, boolean ignoreMerges, String file) {
        this.vocab = vocab;
        int maxId = -1;
        for (int id : vocab.values()) {
            if (id < 0) throw new FormatException(file + ": model.vocab has negative id " + id);
            maxId = Math.max(maxId, id);
        }
        idToToken = new String[maxId + 1];
        for (var e : vocab.entrySet()) idToToken[e.getValue()] = e.getKey();
        this.merges = new PairMerges(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] m = merges.get(rank);
            Integer a = vocab.get(m[0]), b = vocab.get(m[1]), ab = vocab.get(m[0] + m[1]);
            if (a == null || b == null || ab == null) {
                throw new FormatException(file + ": model.merges[" + rank + "] ('" + m[0] + "', '" + m[1]
                        + "') uses a token missing from model.vocab");
            }
            this.merges.put(a, b, rank, ab);
        }
        if (unkToken != null && !vocab.containsKey(unkToken)) {
            throw new FormatException(file + ": model.unk_token '" + unkToken + "' is not in model.vocab");
        }
        this.unkId = unkToken == null ? null : vocab.get(unkToken);
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
        byteTokenIds = new int[256];
        for (int b = 0; b < 256; b++) byteTokenIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
    }

    int size() { return idToToken.length; }

    /** Vocabulary string of {@code id}, or null if the model has no such id. */
    String token(int id) { return id >= 0 && id < idToToken.length ? idToToken[id] : null; }

    Integer id(String token) { return vocab.get(token); }

    /** Appends the ids of one pre-token to {@code out}. */
    void tokenize(String word, IntList out) {
        if (word.isEmpty()) return;
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) { out.add(whole); return; }
        }
        int[] cached = cache.get(word);
        if (cached == null) {
            cached = mergeWord(word);
            if (word.length() <= CACHE_MAX_WORD) {
                if (cache.size() >= CACHE_MAX_ENTRIES) cache.clear();
                cache.put(word, cached);
            }
        }
        out.addAll(cached);
    }

    private int[] mergeWord(String word) {
        // Symbols form a doubly linked list over array slots; a merged-away slot is marked dead.
        IntList ids = new IntList(word.length());
        boolean lastWasUnk = false;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            int n = Character.charCount(cp);
            String ch = word.substring(i, i + n);
            i += n;
            Integer id = vocab.get(ch);
            if (id != null) { ids.add(id); lastWasUnk = false; continue; }
            if (byteFallback && addBytes(ch, ids)) { lastWasUnk = false; continue; }
            if (unkId == null) continue;              // HF drops the character silently
            if (fuseUnk && lastWasUnk) continue;      // one unk stands for the whole run
            ids.add(unkId); lastWasUnk = true;
        }
        int n = ids.size();
        int[] sym = ids.toArray();
        boolean[] dead = new boolean[n];
        int[] prev = new int[n], next = new int[n];
        for (int i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; }

        // Queue entries: rank in the high bits, position in the low bits → lowest rank, then leftmost.
        PriorityQueue<long[]> queue = new PriorityQueue<>(Math.max(1, n), (x, y) -> Long.compare(x[0], y[0]));
        for (int i = 0; i + 1 < n; i++) push(queue, sym, i, i + 1);
        while (!queue.isEmpty()) {
            long[] top = queue.poll();
            int pos = (int) top[0], merged = (int) top[1];
            int nx = next[pos];
            if (dead[pos] || nx < 0) continue;
            long m = merges.get(sym[pos], sym[nx]);
            if (m < 0 || (int) m != merged) continue;  // stale: a neighbour changed since queued
            sym[pos] = merged;
            dead[nx] = true;
            next[pos] = next[nx];
            if (next[nx] >= 0) prev[next[nx]] = pos;
            if (prev[pos] >= 0) push(queue, sym, prev[pos], pos);
            if (next[pos] >= 0) push(queue, sym, pos, next[pos]);
        }
        IntList out = new IntList(n);
        for (int i = 0; n > 0 && i >= 0; i = next[i]) out.add(sym[i]);
        return out.toArray();
    }

    private void push(PriorityQueue<long[]> queue, int[] sym, int left, int right) {
        long m = merges.get(sym[left], sym[right]);
        if (m < 0) return;
        long rank = m >>> 32;
        queue.add(new long[]{(rank << 32) | left, (int) m});
    }

    /** Byte fallback: all UTF-8 bytes of {@code ch} as byte tokens, or false if one is missing. */
    private boolean addBytes(String ch, IntList ids) {
        byte[] bytes = ch.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) if (byteTokenIds[b & 0xFF] < 0) return false;
        for (byte b : bytes) ids.add(byteTokenIds[b & 0xFF]);
        return true;
    }

    /** Growable int array, to avoid boxing on the hot path. */
    static final class IntList {
        private int[] a;
        private int n;

        IntList(int capacity) { a = new int[Math.max(4, capacity)]; }

        void add(int v) { if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2); a[n++] = v; }

        void addAll(int[] v) { for (int x : v) add(x); }

        int size() { return n; }

        int[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }
}
