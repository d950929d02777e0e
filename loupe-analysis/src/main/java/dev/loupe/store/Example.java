// One context window for a feature: token ids, their strings and the feature's activation at each
// token (table examples). TOP examples have group 0 and rank 0 = highest; QUANTILE examples carry
// the index of their activation-quantile group. docId/position locate the window in the corpus.
package dev.loupe.store;

import dev.loupe.util.ConfigException;

public record Example(Kind kind, int group, int rank, long docId, int position, int[] tokenIds, String[] tokens, float[] acts) {
    public enum Kind { TOP, QUANTILE; String sql() { return name().toLowerCase(); } }

    public Example {
        if (kind == null) throw new ConfigException("example kind is missing (TOP or QUANTILE)");
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
}
