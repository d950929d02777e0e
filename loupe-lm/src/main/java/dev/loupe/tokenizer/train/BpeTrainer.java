package dev.loupe.tokenizer.train;

import dev.loupe.util.ConfigException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;

/**
 * Learns a byte-level BPE vocabulary (GPT-2 scheme, Sennrich et al. 2016 on bytes):
 * <ol>
 *   <li>pre-tokenise every document with {@link BpeModel#PRE_TOKENIZE} and count unique pre-tokens;</li>
 *   <li>start from the 256 single bytes (id = byte value);</li>
 *   <li>repeatedly merge the most frequent adjacent pair (counted over pre-tokens weighted by their
 *       frequency, never across pre-token boundaries) into a new id, until the vocabulary holds
 *       {@code vocabSize − 1} tokens; the last id is {@code <|endoftext|>}.</li>
 * </ol>
 * <b>Tie-breaking</b> (deterministic): among pairs with equal count, the one with the smallest
 * (left id, right id), compared left first. Ids are byte values for bytes and creation order for
 * merged tokens, so the result depends only on the corpus text, never on hash or thread order.
 *
 * <p>Efficient in the usual way: pair counts are kept incrementally; a merge touches only the
 * words that contain the pair (an index pair → words), and a max-heap with lazy invalidation finds
 * the next pair. Stops early (smaller vocabulary) when no pair occurs any more.
 */
public final class BpeTrainer {
    private final int vocabSize;
    private final Map<String, long[]> wordCounts = new HashMap<>();

    public BpeTrainer(int vocabSize) {
        if (vocabSize < 257 || vocabSize > 1 << 20)
            throw new ConfigException("vocab size must be in [257, 1048576] (256 bytes + <|endoftext|> at least), got " + vocabSize);
        this.vocabSize = vocabSize;
    }

    /** Adds one document's pre-tokens to the counts. */
    public void add(String document) {
        Matcher m = BpeModel.PRE_TOKENIZE.matcher(document);
        while (m.find()) wordCounts.computeIfAbsent(m.group(), k -> new long[1])[0]++;
    }

    public int uniqueWords() { return wordCounts.size(); }

    /** Learns the merges; {@code progress} receives a short line now and then (may be null). */
    public BpeModel train(Consumer<String> progress) {
        // Words sorted by text so every later step is independent of HashMap order.
        var sorted = new TreeMap<>(wordCounts);
        int nw = sorted.size();
        int[][] sym = new int[nw][];
        int[] len = new int[nw];
        long[] freq = new long[nw];
        int w = 0;
        for (var e : sorted.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            sym[w] = new int[b.length];
            for (int i = 0; i < b.length; i++) sym[w][i] = b[i] & 0xFF;
            len[w] = b.length;
            freq[w++] = e.getValue()[0];
        }
        var counts = new HashMap<Long, Long>();
        var where = new HashMap<Long, BpeModel.IntList>();
        for (w = 0; w < nw; w++) {
            for (int i = 0; i + 1 < len[w]; i++) {
                long key = key(sym[w][i], sym[w][i + 1]);
                counts.merge(key, freq[w], Long::sum);
                where.computeIfAbsent(key, k -> new BpeModel.IntList()).add(w);
            }
        }
        // max count first, then smallest (left, right): keys are (left << 32 | right) with ids ≥ 0
        var heap = new PriorityQueue<long[]>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        counts.forEach((k, c) -> heap.add(new long[]{c, k}));

        var tokens = new ArrayList<byte[]>();
        for (int b = 0; b < 256; b++) tokens.add(new byte[]{(byte) b});
        var merges = new ArrayList<Long>();
        int[] stamp = new int[nw];
        java.util.Arrays.fill(stamp, -1);
        while (tokens.size() < vocabSize - 1 && !heap.isEmpty()) {
            long[] top = heap.poll();
            long key = top[1];
            long actual = counts.getOrDefault(key, 0L);
            if (actual != top[0]) {
                if (actual > 0) heap.add(new long[]{actual, key});
                continue;
            }
            int a = (int) (key >>> 32), b = (int) key, merged = tokens.size();
            tokens.add(BpeModel.concat(tokens.get(a), tokens.get(b)));
            merges.add(key);
            var changed = new HashMap<Long, Long>();
            BpeModel.IntList ws = where.remove(key);
            for (int j = 0; j < ws.size(); j++) {
                int wi = ws.get(j);
                if (stamp[wi] == merged) continue;
                stamp[wi] = merged;
                if (!contains(sym[wi], len[wi], a, b)) continue;   // stale entry: an earlier merge consumed it
                addPairs(counts, sym[wi], len[wi], -freq[wi], null, -1, wi, null);
                len[wi] = applyMerge(sym[wi], len[wi], a, b, merged);
                addPairs(counts, sym[wi], len[wi], freq[wi], where, merged, wi, changed);
            }
            counts.remove(key);
            changed.forEach((k, c) -> { long now = counts.getOrDefault(k, 0L); if (now > 0) heap.add(new long[]{now, k}); });
            if (progress != null && merges.size() % 500 == 0) progress.accept("merges " + merges.size() + "/" + (vocabSize - 257));
        }
        byte[][] tb = new byte[tokens.size() + 1][];
        for (int i = 0; i < tokens.size(); i++) tb[i] = tokens.get(i);
        tb[tokens.size()] = BpeModel.END_OF_TEXT.getBytes(StandardCharsets.UTF_8);
        long[] m = new long[merges.size()];
        for (int i = 0; i < m.length; i++) m[i] = merges.get(i);
        return new BpeModel(tb, m, tokens.size());
    }

    private static long key(int a, int b) { return ((long) a << 32) | b; }

    private static boolean contains(int[] s, int n, int a, int b) {
        for (int i = 0; i + 1 < n; i++) if (s[i] == a && s[i + 1] == b) return true;
        return false;
    }

    /** Merges every non-overlapping (a, b), left to right, in place; returns the new length. */
    private static int applyMerge(int[] s, int n, int a, int b, int merged) {
        int w = 0;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n && s[i] == a && s[i + 1] == b) { s[w++] = merged; i++; }
            else s[w++] = s[i];
        }
        return w;
    }

    /** counts[pair] += delta for every adjacent pair; pairs containing {@code merged} are indexed and reported. */
    private static void addPairs(HashMap<Long, Long> counts, int[] s, int n, long delta,
                                 HashMap<Long, BpeModel.IntList> where, int merged, int wi, HashMap<Long, Long> changed) {
        for (int i = 0; i + 1 < n; i++) {
            long k = key(s[i], s[i + 1]);
            long c = counts.merge(k, delta, Long::sum);
            if (c == 0) counts.remove(k);
            if (where != null && (s[i] == merged || s[i + 1] == merged)) {
                where.computeIfAbsent(k, x -> new BpeModel.IntList()).add(wi);
                changed.put(k, c);
            }
        }
    }
}
