package dev.loupe.interp.allatonce;

/**
 * A causal LM as the all-at-once simulator needs it: given a prompt's token ids, the next-token
 * logits at the requested positions. Loupe's own transformer engine implements this (one forward
 * pass per prompt); tests use hand-made tables. Positions index {@code tokenIds} as given: an adapter
 * that prepends a BOS token shifts them by one itself.
 */
public interface NextTokenModel {
    /**
     * @param tokenIds  prompt token ids, {@code [seq]}
     * @param positions positions whose next-token logits are wanted, each in {@code [0, seq)}
     * @return logits, {@code [positions.length][vocab]}
     */
    float[][] logitsAt(int[] tokenIds, int[] positions);
}
