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
    private static final int QUERY_TILE = 64;
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
        Tensor q = st.fire(hookQ, layer, Linear.apply(x, wQ, bQ, st.buf(Workspace.Slot.Q, rows * qDim)), S, H, Dh);   // [rows, H·Dh]
        Tensor k = st.fire(hookK, layer, Linear.apply(x, wK, bK, st.buf(Workspace.Slot.K, rows * kvDim)), S, Hkv, Dh); // [rows, Hkv·Dh]
        Tensor v = st.fire(hookV, layer, Linear.apply(x, wV, bV, st.buf(Workspace.Slot.V, rows * kvDim)), S, Hkv, Dh);
        if (cos != null) {
            boolean inter = cfg.rotaryStyle() == TransformerConfig.RotaryStyle.INTERLEAVED;
            // Rotate in place unless a hook saw the pre-rotary tensor (it may still hold it).
            if (st.hooks().has(hookQ)) q = q.copy();
            if (st.hooks().has(hookK)) k = k.copy();
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

        float[] z = st.buf(Workspace.Slot.Z, rows * qDim);                       // [B, S, H, Dh], every element written below
        final float[] K = keys, V = vals;
        final int Tf = T, kvS = kvStride, ST = S * T, group = H / Hkv, start = st.startPos();
        final float scale = (float) cfg.attnScale();
        final float[] qd = q.data();
        Gemm g = Kernels.gemm();
        // One (batch, head) pair per index: scores = q_h·k_kv(h)ᵀ·scale [S, T] → causal softmax → z_h = pattern·v_kv(h).
        if (st.hooks().has(hookScores) || st.hooks().has(hookPattern)) {
            float[] sc = new float[B * H * ST];
            Ops.forRows(B * H, bh -> {
                int b = bh / H, h = bh % H;
                g.sgemm(false, true, S, Tf, Dh, scale, qd, b * S * qDim + h * Dh, qDim,
                        K, b * kvS + (h / group) * Dh, kvDim, 0f, sc, bh * ST, Tf);
                Ops.causalMask(sc, bh * ST, S, Tf, start);
            });
            Tensor scores = st.hooks().fire(hookScores, new Tensor(sc, B, H, S, T), layer, B, S, start);
            float[] pat = new float[B * H * ST];
            Ops.forRows(B * H, bh -> Ops.causalSoftmax(scores.data(), bh * ST, pat, bh * ST, S, Tf, start));
            Tensor pattern = st.hooks().fire(hookPattern, new Tensor(pat, B, H, S, T), layer, B, S, start);
            Ops.forRows(B * H, bh -> {
                int b = bh / H, h = bh % H;
                g.sgemm(false, false, S, Dh, Tf, 1f, pattern.data(), bh * ST, Tf,
                        V, b * kvS + (h / group) * Dh, kvDim, 0f, z, b * S * qDim + h * Dh, qDim);
            });
        } else {
            // Query rows in tiles of QUERY_TILE, each against only the keys it can see: skips the
            // masked upper triangle, about half the attention work of a long prefill.
            Ops.forRange(B * H, (from, to) -> {
                float[] block = new float[Math.min(S, QUERY_TILE) * Tf];          // this chunk's scratch
                for (int bh = from; bh < to; bh++) {
                    int b = bh / H, h = bh % H, kvOff = b * kvS + (h / group) * Dh, qzOff = b * S * qDim + h * Dh;
                    for (int i0 = 0; i0 < S; i0 += QUERY_TILE) {
                        int n = Math.min(S, i0 + QUERY_TILE) - i0, tv = Math.min(Tf, start + i0 + n);
                        g.sgemm(false, true, n, tv, Dh, scale, qd, qzOff + i0 * qDim, qDim, K, kvOff, kvDim, 0f, block, 0, tv);
                        Ops.causalSoftmax(block, 0, block, 0, n, tv, start + i0);
                        g.sgemm(false, false, n, Dh, tv, 1f, block, 0, tv, V, kvOff, kvDim, 0f, z, qzOff + i0 * qDim, qDim);
                    }
                }
            });
        }
        Tensor zt = st.fire(hookZ, layer, new Tensor(z, rows, qDim), S, H, Dh);
        return Linear.apply(zt, wO, bO, st.buf(Workspace.Slot.ATTN_OUT, rows * cfg.dModel()));
    }
}
