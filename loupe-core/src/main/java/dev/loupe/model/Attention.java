package dev.loupe.model;

import dev.loupe.tensor.Gemm;
import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Tensor;

/**
 * Causal multi-head attention with grouped KV heads (MHA, GQA, MQA), optional rotary embedding on
 * the leading {@code rotaryDim} dims of q and k (rotate-half or interleaved pairs) and an optional KV
 * cache. Must agree with HF GPT-2 / GPT-NeoX / Llama / Qwen2 attention (fixtures README §6):
 * {@code pattern = softmax(q·kᵀ · attnScale + causal mask)}, query head h reads kv head
 * {@code h / (nHeads/nKvHeads)}, output {@code z (head-major, h·d_head + d) · W_O + b_O}.
 *
 * <p>Hooks ({@code blocks.{l}.attn.}): {@code hook_q} [batch, pos, n_heads, d_head] (incl. bias,
 * before rotary), {@code hook_k}/{@code hook_v} [batch, pos, n_kv_heads, d_head], {@code hook_rot_q} /
 * {@code hook_rot_k} (rotary models), {@code hook_attn_scores} / {@code hook_pattern}
 * [batch, n_heads, pos, key_pos] (−inf / exactly 0 above the diagonal; key_pos counts cached positions
 * too), {@code hook_z} [batch, pos, n_heads, d_head]. Score and pattern tensors are only built for
 * all heads when one of those two hooks is registered; otherwise one head's block at a time.
 */
final class Attention {
    final TransformerConfig cfg;
    final int layer;
    final Tensor wQ, wK, wV, wO;      // [d_model, H·Dh], [d_model, Hkv·Dh] ×2, [H·Dh, d_model]
    final Tensor bQ, bK, bV, bO;      // [H·Dh], [Hkv·Dh] ×2, [d_model]; null when absent
    private final float[] cos, sin;   // [n_ctx, rotaryDim/2]; null without rotary
    final String hookQ, hookK, hookV, hookRotQ, hookRotK, hookScores, hookPattern, hookZ;

    Attention(TransformerConfig cfg, int layer, Tensor wQ, Tensor wK, Tensor wV, Tensor wO,
              Tensor bQ, Tensor bK, Tensor bV, Tensor bO, float[][] rope) {
        this.cfg = cfg;
        this.layer = layer;
        this.wQ = wQ; this.wK = wK; this.wV = wV; this.wO = wO;
        this.bQ = bQ; this.bK = bK; this.bV = bV; this.bO = bO;
        this.cos = rope == null ? null : rope[0];
        this.sin = rope == null ? null : rope[1];
        String p = "blocks." + layer + ".attn.";
        hookQ = p + "hook_q"; hookK = p + "hook_k"; hookV = p + "hook_v";
        hookRotQ = p + "hook_rot_q"; hookRotK = p + "hook_rot_k";
        hookScores = p + "hook_attn_scores"; hookPattern = p + "hook_pattern"; hookZ = p + "hook_z";
    }

    /** x [batch·seq, d_model] → attention output [batch·seq, d_model] (incl. b_O). */
    Tensor forward(Tensor x, Step st, KvCache cache) {
        int H = cfg.nHeads(), Hkv = cfg.nKvHeads(), Dh = cfg.dHead(), qDim = cfg.qDim(), kvDim = cfg.kvDim();
        int B = st.batch(), S = st.seq(), rows = st.rows();
        Tensor q = st.fire(hookQ, layer, Linear.apply(x, wQ, bQ), S, H, Dh);   // [rows, H·Dh]
        Tensor k = st.fire(hookK, layer, Linear.apply(x, wK, bK), S, Hkv, Dh); // [rows, Hkv·Dh]
        Tensor v = st.fire(hookV, layer, Linear.apply(x, wV, bV), S, Hkv, Dh);
        if (cos != null) {
            boolean inter = cfg.rotaryStyle() == TransformerConfig.RotaryStyle.INTERLEAVED;
            q = q.copy();
            k = k.copy();
            Ops.rope(q.data(), rows, H, Dh, cfg.rotaryDim(), st.pos(), cos, sin, inter);
            Ops.rope(k.data(), rows, Hkv, Dh, cfg.rotaryDim(), st.pos(), cos, sin, inter);
            q = st.fire(hookRotQ, layer, q, S, H, Dh);
            k = st.fire(hookRotK, layer, k, S, Hkv, Dh);
        }

        // Keys/values visible to this call: [B, T, Hkv·Dh] with batch stride kvStride.
        float[] keys = k.data(), vals = v.data();
        int T = S, kvStride = S * kvDim;
        if (cache != null) {
            keys = cache.k[layer];
            vals = cache.v[layer];
            kvStride = cache.capacity * kvDim;
            T = st.startPos() + S;
            for (int b = 0; b < B; b++) {
                System.arraycopy(k.data(), b * S * kvDim, keys, b * kvStride + st.startPos() * kvDim, S * kvDim);
                System.arraycopy(v.data(), b * S * kvDim, vals, b * kvStride + st.startPos() * kvDim, S * kvDim);
            }
        }

        float[] z = new float[rows * qDim];                                      // [B, S, H, Dh]
        Gemm g = Kernels.gemm();
        float scale = (float) cfg.attnScale();
        int group = H / Hkv, ST = S * T;
        if (st.hooks().has(hookScores) || st.hooks().has(hookPattern)) {
            Tensor scores = new Tensor(new float[B * H * ST], B, H, S, T);
            for (int b = 0; b < B; b++) {
                for (int h = 0; h < H; h++) {
                    int off = (b * H + h) * ST;
                    g.sgemm(false, true, S, T, Dh, scale, q.data(), b * S * qDim + h * Dh, qDim,
                            keys, b * kvStride + (h / group) * Dh, kvDim, 0f, scores.data(), off, T);
                    Ops.causalMask(scores.data(), off, S, T, st.startPos());
                }
            }
            scores = st.hooks().fire(hookScores, scores, layer, B, S, st.startPos());
            Tensor pattern = new Tensor(new float[B * H * ST], B, H, S, T);
            for (int bh = 0; bh < B * H; bh++) {
                Ops.causalSoftmax(scores.data(), bh * ST, pattern.data(), bh * ST, S, T, st.startPos(), false);
            }
            pattern = st.hooks().fire(hookPattern, pattern, layer, B, S, st.startPos());
            for (int b = 0; b < B; b++) {
                for (int h = 0; h < H; h++) {
                    g.sgemm(false, false, S, Dh, T, 1f, pattern.data(), (b * H + h) * ST, T,
                            vals, b * kvStride + (h / group) * Dh, kvDim, 0f, z, b * S * qDim + h * Dh, qDim);
                }
            }
        } else {
            float[] block = new float[ST];                                       // one head's [S, T]
            for (int b = 0; b < B; b++) {
                for (int h = 0; h < H; h++) {
                    int kvOff = b * kvStride + (h / group) * Dh;
                    g.sgemm(false, true, S, T, Dh, scale, q.data(), b * S * qDim + h * Dh, qDim,
                            keys, kvOff, kvDim, 0f, block, 0, T);
                    Ops.causalSoftmax(block, 0, block, 0, S, T, st.startPos(), false);
                    g.sgemm(false, false, S, Dh, T, 1f, block, 0, T, vals, kvOff, kvDim, 0f, z, b * S * qDim + h * Dh, qDim);
                }
            }
        }
        Tensor zt = st.fire(hookZ, layer, new Tensor(z, rows, qDim), S, H, Dh);
        return Linear.apply(zt, wO, bO);
    }
}
