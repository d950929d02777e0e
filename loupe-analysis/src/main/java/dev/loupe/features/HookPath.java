// How a dictionary direction at a hook reaches the residual stream and the logits, per hook kind:
// residual-stream hooks (hook_embed, hook_pos_embed, hook_resid_*, hook_attn_out, hook_mlp_out)
// are already in it; blocks.L.mlp.hook_post goes through W_out [d_mlp, d_model]; blocks.L.attn.hook_z
// (heads flattened) through W_O [n_heads*d_head, d_model]. Other hooks (hook_pre, q/k/v, scores,
// norms) have no linear path to the output: they get no logit tables.
//
// Direct logit effect (TransformerLens "W_dec @ W_U" with the final norm's weight folded in):
// u = centre(v) * ln_final.w for LayerNorm (v * w for RMSNorm), logits = u . W_U; the norm's
// 1/scale is a positive per-position factor, so the ranking of tokens is the one the model applies.
// Ablation effect: exact at the position where the feature is removed when nothing but additions
// lies between the hook and the final residual (last block's hook_resid_post, hook_mlp_out,
// mlp.hook_post; also hook_attn_out / hook_z in a parallel-attention last block); for earlier
// hooks the later blocks' reaction is ignored (the "direct-path" ablation). Not an engine: the
// final norm is applied here with dev.loupe.tensor.Ops, the same kernels the model uses.
package dev.loupe.features;

import dev.loupe.model.Transformer;
import dev.loupe.model.TransformerConfig;
import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Tensor;

final class HookPath {
    final int dModel, vocab;
    final boolean exactAblation;
    private final float[] toResid;      // [dIn, d_model], null = identity
    private final float[] unembed;      // [d_model, vocab]
    private final float[] normW, normB; // [d_model]; normB null for RMSNorm
    private final boolean layerNorm;
    private final double eps;

    private HookPath(Transformer m, float[] toResid, boolean exact) {
        TransformerConfig c = m.config();
        this.dModel = c.dModel();
        this.vocab = c.vocab();
        this.toResid = toResid;
        this.exactAblation = exact;
        this.unembed = m.unembedMatrix().data();
        this.layerNorm = c.normalization() == TransformerConfig.Normalization.LAYER_NORM;
        this.normW = m.weights().get("ln_final.w").data();
        Tensor b = m.weights().get("ln_final.b");
        this.normB = b == null ? null : b.data();
        this.eps = c.eps();
    }

    /** The path of a hook, or null when the hook has no linear path to the output. */
    static HookPath of(Transformer m, String hook) {
        TransformerConfig c = m.config();
        int last = c.nLayers() - 1;
        if (hook.equals("hook_embed") || hook.equals("hook_pos_embed")) return new HookPath(m, null, false);
        if (!hook.startsWith("blocks.")) return null;
        int dot = hook.indexOf('.', 7);
        int layer = Integer.parseInt(hook.substring(7, dot));
        String site = hook.substring(dot + 1);
        boolean lastBlock = layer == last;
        return switch (site) {
            case "hook_resid_pre", "hook_resid_mid" -> new HookPath(m, null, false);
            case "hook_resid_post", "hook_mlp_out" -> new HookPath(m, null, lastBlock);
            case "hook_attn_out" -> new HookPath(m, null, lastBlock && c.parallelAttnMlp());
            case "mlp.hook_post" -> new HookPath(m, m.weights().get("blocks." + layer + ".mlp.W_out").data(), lastBlock);
            case "attn.hook_z" -> new HookPath(m, m.weights().get("blocks." + layer + ".attn.W_O").data(), lastBlock && c.parallelAttnMlp());
            default -> null;
        };
    }

    /** Directions at the hook [n, dIn] → their residual-stream vectors [n, d_model]. */
    float[] toResidual(float[] dirs, int n, int dIn) {
        if (toResid == null) return dirs.clone();
        float[] out = new float[n * dModel];
        Kernels.gemm().sgemm(false, false, n, dModel, dIn, 1f, dirs, 0, dIn, toResid, 0, dModel, 0f, out, 0, dModel);
        return out;
    }

    /** Residual vectors [n, d_model] → the final norm's view of a direction: centred (LayerNorm) and times ln_final.w, in place. */
    float[] normDirections(float[] v, int n) {
        for (int r = 0; r < n; r++) {
            int o = r * dModel;
            double mean = 0;
            if (layerNorm) {
                for (int j = 0; j < dModel; j++) mean += v[o + j];
                mean /= dModel;
            }
            for (int j = 0; j < dModel; j++) v[o + j] = (float) (v[o + j] - mean) * normW[j];
        }
        return v;
    }

    /** Rows [n, d_model] times the unembedding → [n, vocab]. */
    float[] unembed(float[] rows, int n) {
        float[] out = new float[n * vocab];
        Kernels.gemm().sgemm(false, false, n, vocab, dModel, 1f, rows, 0, dModel, unembed, 0, vocab, 0f, out, 0, vocab);
        return out;
    }

    /** The final norm's scale of each row of x [n, d_model] (sqrt(var + eps) or sqrt(mean(x^2) + eps)). */
    float[] normScale(float[] x, int n) {
        float[] s = new float[n];
        if (layerNorm) Ops.layerNormScale(x, n, dModel, eps, s);
        else Ops.rmsScale(x, n, dModel, eps, s);
        return s;
    }

    /** The final norm applied to rows x [n, d_model] (with weight and bias): what the unembedding reads. */
    float[] normalize(float[] x, int n) {
        float[] s = normScale(x, n), out = new float[x.length];
        if (layerNorm) {
            Ops.layerNormApply(x, n, dModel, s, normW, normB, out);
        } else {
            Ops.divideRows(x, n, dModel, s, out);
            Ops.mulRows(out, n, dModel, normW);
        }
        return out;
    }

    boolean layerNorm() { return layerNorm; }
}
