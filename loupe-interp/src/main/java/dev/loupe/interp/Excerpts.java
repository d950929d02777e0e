package dev.loupe.interp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Bills et al.'s excerpt rules over records supplied by the caller: documents are cut into
 * fixed-length excerpts (64 tokens by default) that never cross a document boundary; top-activating
 * excerpts are those with the largest max activation; random excerpts are drawn uniformly among
 * those whose activations are not constant.
 *
 * <p>Not a corpus reader: the analysis module streams documents and keeps candidates; this class
 * only applies the selection rules so they are pinned by tests in one place.
 */
public final class Excerpts {
    public static final int DEFAULT_LENGTH = 64;

    private Excerpts() {}

    /**
     * Cuts one document into consecutive, non-overlapping excerpts of exactly {@code length} tokens;
     * a shorter tail is dropped so every excerpt has the same length (as in neuron-explainer's
     * 64-token records). Token ids and the document id are carried over.
     */
    public static List<ActivationRecord> cut(ActivationRecord document, int length) {
        if (length <= 0) throw new IllegalArgumentException("excerpt length must be positive, got " + length);
        List<ActivationRecord> out = new ArrayList<>();
        for (int start = 0; start + length <= document.length(); start += length) {
            String[] t = java.util.Arrays.copyOfRange(document.tokens(), start, start + length);
            float[] a = java.util.Arrays.copyOfRange(document.activations(), start, start + length);
            int[] ids = document.tokenIds() == null ? null : java.util.Arrays.copyOfRange(document.tokenIds(), start, start + length);
            out.add(new ActivationRecord(t, a, ids, document.documentId()));
        }
        return out;
    }

    /** Cuts every document; excerpts keep document order. */
    public static List<ActivationRecord> cutAll(List<ActivationRecord> documents, int length) {
        List<ActivationRecord> out = new ArrayList<>();
        for (ActivationRecord d : documents) out.addAll(cut(d, length));
        return out;
    }

    /** An excerpt is non-trivial when the feature fires in it (some activation > 0). */
    public static boolean nonTrivial(ActivationRecord r) { return r.max() > 0; }

    public static int countNonTrivial(List<ActivationRecord> records) {
        int n = 0;
        for (ActivationRecord r : records) if (nonTrivial(r)) n++;
        return n;
    }

    /** The {@code k} non-trivial excerpts with the largest max activation, descending; ties keep input order. */
    public static List<ActivationRecord> top(List<ActivationRecord> candidates, int k) {
        record ByMax(ActivationRecord r, float max) {}  // max computed once per record, not per comparison
        return candidates.stream().map(r -> new ByMax(r, r.max())).filter(b -> b.max() > 0)
                .sorted(Comparator.comparingDouble(ByMax::max).reversed())
                .limit(k).map(ByMax::r).toList();
    }

    /**
     * Up to {@code k} excerpts drawn uniformly without replacement among the candidates with
     * non-constant activations (a partial Fisher–Yates shuffle with the given seed).
     */
    public static List<ActivationRecord> randomWithVariance(List<ActivationRecord> candidates, int k, long seed) {
        List<ActivationRecord> pool = new ArrayList<>();
        for (ActivationRecord r : candidates) if (r.hasVariance()) pool.add(r);
        SplittableRandom rng = new SplittableRandom(seed);  // mixes the seed: java.util.Random is biased for consecutive seeds
        int n = Math.min(k, pool.size());
        for (int i = 0; i < n; i++) java.util.Collections.swap(pool, i, i + rng.nextInt(pool.size() - i));
        return List.copyOf(pool.subList(0, n));
    }
}
