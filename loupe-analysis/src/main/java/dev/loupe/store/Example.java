// One context window for a feature: token ids, their strings and the feature's activation at each
// token (table examples). TOP examples have group 0 and rank 0 = highest; QUANTILE examples carry
// the index of their activation-quantile group (0 = lowest); RANDOM examples (group 0) are windows
// sampled uniformly from the corpus whether or not the feature fires there (auto-interp's random
// excerpts). docId/position locate the window in the corpus.
package dev.loupe.store;

import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;

public record Example(Kind kind, int group, int rank, long docId, int position, int[] tokenIds, String[] tokens, float[] acts) {
    public enum Kind {
        TOP, QUANTILE, RANDOM;
        private final String sql = name().toLowerCase(java.util.Locale.ROOT);   // asked once per stored row
        String sql() { return sql; }
    }

    public Example {
        if (kind == null) throw new ConfigException("example kind is missing (TOP, QUANTILE or RANDOM)");
        if (tokenIds.length == 0 || tokenIds.length != tokens.length || tokenIds.length != acts.length)
            throw new ConfigException("example has " + tokenIds.length + " token ids, " + tokens.length + " token strings and "
                    + acts.length + " activations; they must be equal and non-zero");
        if (group < 0 || rank < 0) throw new ConfigException("example group " + group + " / rank " + rank + " must be >= 0");
    }

    public float maxAct() {
        float m = Float.NEGATIVE_INFINITY;
        for (float a : acts) m = Math.max(m, a);
        return m;
    }

    /** The window's text: its token strings concatenated (what full-text search indexes). */
    public String text() { return String.join("", tokens); }

    /** End offset of each token in {@link #text()} (how the store keeps the token boundaries). */
    int[] tokenEnds() {
        int[] ends = new int[tokens.length];
        int at = 0;
        for (int i = 0; i < tokens.length; i++) ends[i] = at += tokens[i].length();
        return ends;
    }

    /** Splits a stored text back into tokens at the stored end offsets. */
    static String[] splitTokens(String text, int[] ends) {
        String[] out = new String[ends.length];
        int start = 0;
        for (int i = 0; i < ends.length; i++) {
            if (ends[i] < start || ends[i] > text.length())
                throw new FormatException("feature store column examples.token_ends has offset " + ends[i] + " outside the text (length "
                        + text.length() + "); the store is damaged, re-run the analysis that wrote it");
            out[i] = text.substring(start, ends[i]);
            start = ends[i];
        }
        return out;
    }
}
