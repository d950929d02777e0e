package dev.loupe.interp;

import java.util.Arrays;

/**
 * One text excerpt and one feature's raw activation on each of its tokens (Bills et al.'s
 * {@code ActivationRecord}). Token ids and the source document are optional provenance.
 *
 * <p>Not normalised: activations are raw values; {@link Discretisation} maps them to 0–10.
 *
 * @param tokens      decoded token strings, one per position
 * @param activations raw activation per position, {@code [tokens.length]}
 * @param tokenIds    token ids per position, or {@code null} when unknown
 * @param documentId  id of the document the excerpt was cut from, or -1 when unknown
 */
public record ActivationRecord(String[] tokens, float[] activations, int[] tokenIds, long documentId) {
    public ActivationRecord {
        if (tokens == null || activations == null) throw new IllegalArgumentException("activation record needs tokens and activations");
        if (tokens.length != activations.length) {
            throw new IllegalArgumentException("activation record has " + tokens.length + " tokens but " + activations.length + " activations");
        }
        if (tokenIds != null && tokenIds.length != tokens.length) {
            throw new IllegalArgumentException("activation record has " + tokens.length + " tokens but " + tokenIds.length + " token ids");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) throw new IllegalArgumentException("activation record token " + i + " is null");
            if (Float.isNaN(activations[i])) throw new IllegalArgumentException("activation record activation " + i + " is NaN");
        }
    }

    public ActivationRecord(String[] tokens, float[] activations) { this(tokens, activations, null, -1); }

    public int length() { return tokens.length; }

    /** Largest raw activation in this excerpt (may be negative). */
    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float a : activations) m = Math.max(m, a);
        return m;
    }

    /** True when the activations are not all equal (Bills's random excerpts must have this). */
    public boolean hasVariance() {
        for (float a : activations) if (a != activations[0]) return true;
        return false;
    }

    @Override public boolean equals(Object o) {
        return o instanceof ActivationRecord r && Arrays.equals(tokens, r.tokens) && Arrays.equals(activations, r.activations)
                && Arrays.equals(tokenIds, r.tokenIds) && documentId == r.documentId;
    }

    @Override public int hashCode() { return Arrays.hashCode(tokens) * 31 + Arrays.hashCode(activations); }

    @Override public String toString() { return "ActivationRecord" + Arrays.toString(tokens); }
}
