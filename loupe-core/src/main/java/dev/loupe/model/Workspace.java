package dev.loupe.model;

/**
 * The scratch arrays of a forward pass with no hooks registered, reused across layers and across
 * calls: with them a repeated forward of the same batch shape allocates nothing large except what it
 * returns. One array per {@link Slot}, resized (reallocated) only when the slot's size changes, so a
 * model alternating between two shapes (prefill, then one-token decode steps) reallocates once.
 *
 * <p>Not used when a hook is registered anywhere: then every activation is a fresh array, as hooks
 * may hold on to what they see. Not thread-safe; {@link Transformer} lends its one workspace to one
 * forward at a time (a concurrent forward gets none and allocates as before). Not a general
 * memory pool: outputs handed to callers (logits, {@code residualAfter}) never live here.
 */
final class Workspace {
    /** The roles a scratch array plays in one block; a block finishes with a slot before the next block reuses it. */
    enum Slot {
        RESID,      // [rows, d_model]: the residual stream, updated in place block after block
        SCALE,      // [rows]: a norm's denominator
        NORMED,     // [rows, d_model]: a norm's output (ln1, then ln2, then ln_final)
        Q, K, V,    // [rows, q or kv dim]
        Z,          // [rows, n_heads·d_head]
        ATTN_OUT,   // [rows, d_model]
        MLP_PRE,    // [rows, d_mlp]: pre-activation, activated in place
        MLP_LIN,    // [rows, d_mlp]: the gated MLP's linear half
        MLP_OUT     // [rows, d_model]
    }

    private final float[][] arrays = new float[Slot.values().length][];

    /** The slot's array of exactly {@code n} floats (contents left from earlier use). */
    float[] get(Slot slot, int n) {
        float[] a = arrays[slot.ordinal()];
        if (a == null || a.length != n) {
            a = new float[n];
            arrays[slot.ordinal()] = a;
        }
        return a;
    }
}
