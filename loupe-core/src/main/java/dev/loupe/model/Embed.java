package dev.loupe.model;

import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

/** Token embedding: {@code W_E[ids]}. Hook {@code hook_embed} [batch, pos, d_model]. */
final class Embed {
    static final String HOOK = "hook_embed";
    final Tensor wE; // [vocab, d_model]

    Embed(Tensor wE) { this.wE = wE; }

    /** ids: flattened [batch·seq] → out [batch·seq, d_model] (every element written). */
    Tensor forward(int[] ids, Step st, float[] out) {
        int vocab = wE.dim(0), d = wE.dim(1);
        for (int id : ids) {
            if (id < 0 || id >= vocab) throw new ConfigException("token id " + id + " is outside the model's vocabulary [0, " + vocab + ")");
        }
        Ops.gather(wE.data(), d, ids, out);
        return st.fire(HOOK, -1, new Tensor(out, ids.length, d), st.seq(), d);
    }
}
