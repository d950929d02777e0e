package dev.loupe.model;

import dev.loupe.model.TransformerConfig.Normalization;
import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Tensor;

/**
 * LayerNorm (torch.nn.LayerNorm: biased variance, eps inside the sqrt, weight and bias) or RMSNorm
 * (HF LlamaRMSNorm: {@code w · x / sqrt(mean(x²) + eps)}, no bias).
 *
 * <p>Hooks, as TransformerLens names and defines them ({@code prefix} = {@code blocks.{l}.ln1},
 * {@code blocks.{l}.ln2} or {@code ln_final}):
 * <ul>
 *   <li>{@code hook_scale} [batch, pos, 1]: {@code sqrt(var + eps)} (LayerNorm) or {@code sqrt(mean(x²) + eps)} (RMSNorm).
 *   <li>{@code hook_normalized} [batch, pos, d_model]: LayerNorm: the full output <b>including w and b</b>
 *       (TL {@code LayerNorm}); RMSNorm: {@code x / scale} <b>before the weight</b> (TL {@code RMSNorm}).
 *       The shared fixtures store the RMSNorm value after the weight; their tests multiply by {@code w}.
 * </ul>
 * A patched {@code hook_scale} is the one used for the output.
 */
final class Norm {
    final Normalization kind;
    final Tensor w, b;          // [d_model]; b null for RMSNorm
    final double eps;
    final int layer;
    final String hookScale, hookNormalized;

    Norm(Normalization kind, Tensor w, Tensor b, double eps, String prefix, int layer) {
        this.kind = kind;
        this.w = w;
        this.b = b;
        this.eps = eps;
        this.layer = layer;
        this.hookScale = prefix + ".hook_scale";
        this.hookNormalized = prefix + ".hook_normalized";
    }

    /** x [rows, d_model] → [rows, d_model]. */
    Tensor forward(Tensor x, Step st) {
        int d = w.dim(0), rows = x.numel() / d;
        Tensor scale = new Tensor(st.buf(Workspace.Slot.SCALE, rows), rows, 1);
        Tensor out = new Tensor(st.buf(Workspace.Slot.NORMED, rows * d), rows, d);
        if (kind == Normalization.LAYER_NORM && !st.hooks().has(hookScale)) {
            // nothing can patch the scale in between: one pass (same values as the two below)
            Ops.layerNorm(x.data(), rows, d, eps, w.data(), b == null ? null : b.data(), scale.data(), out.data());
            return st.fire(hookNormalized, layer, out, st.seq(), d);
        }
        if (kind == Normalization.LAYER_NORM) Ops.layerNormScale(x.data(), rows, d, eps, scale.data());
        else Ops.rmsScale(x.data(), rows, d, eps, scale.data());
        scale = st.fire(hookScale, layer, scale, st.seq(), 1);

        if (kind == Normalization.LAYER_NORM) {
            Ops.layerNormApply(x.data(), rows, d, scale.data(), w.data(), b == null ? null : b.data(), out.data());
            return st.fire(hookNormalized, layer, out, st.seq(), d);
        }
        Ops.divideRows(x.data(), rows, d, scale.data(), out.data());
        out = st.fire(hookNormalized, layer, out, st.seq(), d);
        Ops.mulRows(out.data(), rows, d, w.data());
        return out;
    }
}
