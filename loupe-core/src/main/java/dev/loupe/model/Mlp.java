package dev.loupe.model;

import dev.loupe.model.TransformerConfig.Activation;
import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Tensor;

/**
 * The feed-forward block. Plain (GPT-2, NeoX): {@code act(x·W_in + b_in)·W_out + b_out}. Gated
 * (Llama, Qwen2, llama2.c): {@code (act(x·W_gate) ⊙ (x·W_in))·W_out}; W_gate is HF gate_proj / llama2.c w1,
 * W_in is up_proj / w3, as TransformerLens names them.
 *
 * <p>Hooks ({@code blocks.{l}.mlp.}, [batch, pos, d_mlp]): {@code hook_pre} (plain: pre-activation;
 * gated: the gate {@code x·W_gate}), {@code hook_pre_linear} (gated only: {@code x·W_in}),
 * {@code hook_post} (the input of W_out).
 */
final class Mlp {
    final Activation act;
    final Tensor wIn, wGate, wOut;   // [d_model, d_mlp], [d_model, d_mlp] or null, [d_mlp, d_model]
    final Tensor bIn, bGate, bOut;   // [d_mlp], [d_mlp], [d_model]; null when absent
    final int layer;
    final String hookPre, hookPreLinear, hookPost;

    Mlp(Activation act, Tensor wIn, Tensor wGate, Tensor wOut, Tensor bIn, Tensor bGate, Tensor bOut, int layer) {
        this.act = act;
        this.wIn = wIn; this.wGate = wGate; this.wOut = wOut;
        this.bIn = bIn; this.bGate = bGate; this.bOut = bOut;
        this.layer = layer;
        String p = "blocks." + layer + ".mlp.";
        hookPre = p + "hook_pre"; hookPreLinear = p + "hook_pre_linear"; hookPost = p + "hook_post";
    }

    boolean gated() { return wGate != null; }

    /** x [rows, d_model] → [rows, d_model]. */
    Tensor forward(Tensor x, Step st) {
        int F = wIn.dim(1), rows = st.rows();
        Tensor first = Linear.apply(x, gated() ? wGate : wIn, gated() ? bGate : bIn, st.buf(Workspace.Slot.MLP_PRE, rows * F));
        Tensor pre = st.fire(hookPre, layer, first, st.seq(), F);
        Tensor post = pre;                             // in place: hooks copy what they keep (see Hook)
        activate(post.data(), post.numel());
        if (gated()) {
            Tensor lin = st.fire(hookPreLinear, layer, Linear.apply(x, wIn, bIn, st.buf(Workspace.Slot.MLP_LIN, rows * F)), st.seq(), F);
            Ops.mul(post.data(), lin.data(), post.data(), post.numel());
        }
        post = st.fire(hookPost, layer, post, st.seq(), F);
        return Linear.apply(post, wOut, bOut, st.buf(Workspace.Slot.MLP_OUT, x.numel()));
    }

    private void activate(float[] x, int n) {
        switch (act) {
            case GELU_NEW -> Ops.geluNew(x, n);
            case GELU -> Ops.gelu(x, n);
            case RELU -> Ops.relu(x, n);
            case SILU -> Ops.silu(x, n);
        }
    }
}
