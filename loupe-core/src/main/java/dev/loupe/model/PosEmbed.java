package dev.loupe.model;

import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Tensor;

/** Learned absolute positions (GPT-2 wpe): {@code W_pos[pos]}. Hook {@code hook_pos_embed} [batch, pos, d_model]. */
final class PosEmbed {
    static final String HOOK = "hook_pos_embed";
    final Tensor wPos; // [n_ctx, d_model]

    PosEmbed(Tensor wPos) { this.wPos = wPos; }

    /** → [batch·seq, d_model], row r holding W_pos[pos[r]]. */
    Tensor forward(Step st) {
        int d = wPos.dim(1);
        float[] out = new float[st.rows() * d];
        Ops.gather(wPos.data(), d, st.pos(), out);
        return st.fire(HOOK, -1, new Tensor(out, st.rows(), d), st.seq(), d);
    }

    /** Adds W_pos[pos[r]] to row r of x [batch·seq, d_model] in place (no hook to fire, nothing allocated). */
    void addTo(float[] x, Step st) {
        int d = wPos.dim(1);
        float[] w = wPos.data();
        int[] pos = st.pos();
        Ops.forRange(st.rows(), (from, to) -> {
            for (int r = from; r < to; r++) Ops.addTo(x, r * d, w, pos[r] * d, d);
        });
    }
}
