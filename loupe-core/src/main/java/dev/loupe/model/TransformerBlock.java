package dev.loupe.model;

import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Tensor;

/**
 * One pre-norm block. Sequential (GPT-2, Llama, NeoX with use_parallel_residual=false):
 * {@code mid = pre + attn(ln1(pre)); post = mid + mlp(ln2(mid))}. Parallel (Pythia, GPT-J style):
 * {@code post = pre + attn(ln1(pre)) + mlp(ln2(pre))}, which has no {@code hook_resid_mid}.
 *
 * <p>Hooks ({@code blocks.{l}.}, [batch, pos, d_model]): {@code hook_resid_pre}, {@code hook_attn_out},
 * {@code hook_resid_mid} (sequential only), {@code hook_mlp_out}, {@code hook_resid_post}; plus the
 * hooks of ln1, attn, ln2 and mlp.
 */
final class TransformerBlock {
    final int layer;
    final boolean parallel;
    final Norm ln1, ln2;
    final Attention attn;
    final Mlp mlp;
    final String hookResidPre, hookAttnOut, hookResidMid, hookMlpOut, hookResidPost;

    TransformerBlock(int layer, boolean parallel, Norm ln1, Attention attn, Norm ln2, Mlp mlp) {
        this.layer = layer;
        this.parallel = parallel;
        this.ln1 = ln1; this.attn = attn; this.ln2 = ln2; this.mlp = mlp;
        String p = "blocks." + layer + ".";
        hookResidPre = p + "hook_resid_pre"; hookAttnOut = p + "hook_attn_out"; hookResidMid = p + "hook_resid_mid";
        hookMlpOut = p + "hook_mlp_out"; hookResidPost = p + "hook_resid_post";
    }

    /**
     * resid [batch·seq, d_model] → [batch·seq, d_model]: a new tensor when hooks are registered,
     * otherwise resid itself, updated in place (nothing else holds it).
     */
    Tensor forward(Tensor resid, Step st, KvCache cache) {
        int d = resid.dim(-1), S = st.seq(), n = resid.numel();
        if (st.reusing()) {
            float[] x = resid.data();
            Tensor attnOut = attn.forward(ln1.forward(resid, st), st, cache);
            if (parallel) {
                Tensor mlpOut = mlp.forward(ln2.forward(resid, st), st);
                Ops.add(x, mlpOut.data(), x, n);        // (pre + mlp) + attn, as below
                Ops.add(x, attnOut.data(), x, n);
            } else {
                Ops.add(x, attnOut.data(), x, n);
                Ops.add(x, mlp.forward(ln2.forward(resid, st), st).data(), x, n);
            }
            return resid;
        }
        Tensor pre = st.fire(hookResidPre, layer, resid, S, d);
        Tensor attnOut = st.fire(hookAttnOut, layer, attn.forward(ln1.forward(pre, st), st, cache), S, d);
        Tensor mid = pre;
        if (!parallel) {
            mid = new Tensor(new float[n], resid.shape());
            Ops.add(pre.data(), attnOut.data(), mid.data(), n);
            mid = st.fire(hookResidMid, layer, mid, S, d);
        }
        Tensor mlpOut = st.fire(hookMlpOut, layer, mlp.forward(ln2.forward(mid, st), st), S, d);
        Tensor post = new Tensor(new float[n], resid.shape());
        Ops.add(mid.data(), mlpOut.data(), post.data(), n);
        if (parallel) Ops.add(post.data(), attnOut.data(), post.data(), n);
        return st.fire(hookResidPost, layer, post, S, d);
    }

    /** Hook points of this block, in forward order. */
    void hookNames(java.util.List<String> out, boolean rotary, boolean gated) {
        out.add(hookResidPre);
        out.add(ln1.hookScale); out.add(ln1.hookNormalized);
        out.add(attn.hookQ); out.add(attn.hookK); out.add(attn.hookV);
        if (rotary) { out.add(attn.hookRotQ); out.add(attn.hookRotK); }
        out.add(attn.hookScores); out.add(attn.hookPattern); out.add(attn.hookZ);
        out.add(hookAttnOut);
        if (!parallel) out.add(hookResidMid);
        out.add(ln2.hookScale); out.add(ln2.hookNormalized);
        out.add(mlp.hookPre);
        if (gated) out.add(mlp.hookPreLinear);
        out.add(mlp.hookPost);
        out.add(hookMlpOut);
        out.add(hookResidPost);
    }
}
