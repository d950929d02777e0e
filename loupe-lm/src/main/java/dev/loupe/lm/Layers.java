package dev.loupe.lm;

import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Parallel;

import dev.loupe.tensor.Kernels;

/**
 * Forward and hand-written backward of every GPT-2 component, in the style of llm.c's
 * {@code train_gpt2.c}: plain functions over flat arrays. Activations are whole arrays laid out
 * [N = B·T, width]; parameters are slices of the model's flat parameter array at an offset.
 * Parameter gradients are always ACCUMULATED (+=), as in llm.c. Input gradients are accumulated by the
 * LayerNorm and encoder backwards (the residual stream's gradient arrives from two branches) and
 * optionally by {@link #matmulBackward}; the attention and activation backwards overwrite theirs (each
 * is the only writer of its array, which then needs no zeroing).
 *
 * <p>Must agree with HF {@code modeling_gpt2.py} (fixture test {@code Gpt2HfFixtureTest}) and with
 * central finite differences (test {@code LayersGradientTest}). Not a general inference engine:
 * no hooks, no KV cache; the engine in {@code dev.loupe.model} is that.
 */
final class Layers {
    /** Column splits of the gradient column sums are multiples of this (whole vectors). */
    private static final int COL_BLOCK = 16;

    private Layers() {}

    // ---------------------------------------------------------------- encoder: wte[tok] + wpe[pos]

    /** out[N, D] = wte[tokens[i]] + wpe[i % T]. */
    static void encoderForward(float[] out, int[] tokens, float[] p, int wte, int wpe, int n, int t, int d) {
        for (int i = 0; i < n; i++) {
            int to = wte + tokens[i] * d, po = wpe + (i % t) * d, o = i * d;
            for (int j = 0; j < d; j++) out[o + j] = p[to + j] + p[po + j];
        }
    }

    /** Scatter-adds dout[N, D] into the wte rows of the tokens and the wpe rows of the positions. */
    static void encoderBackward(float[] g, int wte, int wpe, float[] dout, int[] tokens, int n, int t, int d) {
        for (int i = 0; i < n; i++) {
            RowKernel.BEST.addTo(dout, i * d, g, wte + tokens[i] * d, d);
            RowKernel.BEST.addTo(dout, i * d, g, wpe + (i % t) * d, d);
        }
    }

    // ---------------------------------------------------------------- LayerNorm (biased variance, eps inside sqrt)

    /** out[N, D] = (x − mean) · rstd · w + b per row; keeps mean[N] and rstd[N] for backward. */
    static void layernormForward(float[] out, float[] mean, float[] rstd, float[] inp,
                                 float[] p, int w, int b, int n, int d, float eps) {
        Ops.forRows(n, i -> {
            int o = i * d;
            RowKernel k = RowKernel.BEST;
            float m = (float) (k.sum(inp, o, d) / d);
            float r = (float) (1.0 / Math.sqrt(k.sumSquaredDeviations(inp, o, d, m) / d + eps));
            k.normalize(out, inp, o, d, m, r, p, w, b);
            mean[i] = m;
            rstd[i] = r;
        });
    }

    static void layernormBackward(float[] dinp, float[] g, int w, int b, float[] dout, float[] inp,
                                  float[] p, float[] mean, float[] rstd, int n, int d) {
        Ops.forRows(n, i -> {
            int o = i * d;
            float m = mean[i], r = rstd[i];
            // dnorm = w·dout; a = mean(dnorm), c = mean(dnorm·xhat) with xhat = (x − mean)·rstd
            RowKernel k = RowKernel.BEST;
            float a = (float) (k.dot(p, w, dout, o, d) / d);
            float c = (float) (r * k.dotDeviations(p, w, dout, o, inp, o, m, d) / d);
            k.normalizeBackward(dinp, dout, inp, o, d, m, r, a, c, p, w);
        });
        // dw = Σ_rows dout·xhat, db = Σ_rows dout: split over columns so each sum keeps the row order.
        Parallel.forRange(d, COL_BLOCK, (j0, j1) -> {
            RowKernel k = RowKernel.BEST;
            for (int i = 0; i < n; i++) {
                int o = i * d;
                k.addScaledDeviations(dout, inp, o + j0, mean[i], rstd[i], g, w + j0, j1 - j0);
                k.addTo(dout, o + j0, g, b + j0, j1 - j0);
            }
        });
    }

    // ---------------------------------------------------------------- linear (Conv1D layout W[in, out])

    /** out[N, OC] = inp[N, C] · W[C, OC] + bias[OC]; bias &lt; 0 means none. */
    static void matmulForward(float[] out, float[] inp, float[] p, int w, int bias, int n, int c, int oc) {
        Kernels.gemm().sgemm(false, false, n, oc, c, 1f, inp, 0, c, p, w, oc, 0f, out, 0, oc);
        if (bias >= 0) Ops.forRows(n, i -> RowKernel.BEST.addTo(p, bias, out, i * oc, oc));
    }

    /**
     * dinp (+)= dout·Wᵀ (added with {@code accumulateInput}, else overwritten: a first writer needs no
     * zeroed array), dW += inpᵀ·dout, dbias += Σ_rows dout. The two GEMMs are independent and of equal
     * size: with 2+ threads they run side by side, each single-threaded (mid-size GEMMs scale poorly
     * on 2 OpenBLAS threads).
     */
    static void matmulBackward(float[] dinp, boolean accumulateInput, float[] g, int w, int bias, float[] dout, float[] inp,
                               float[] p, int n, int c, int oc) {
        float beta = accumulateInput ? 1f : 0f;
        Parallel.forRange(2, (i0, i1) -> {
            var gemm = Kernels.gemm();
            for (int i = i0; i < i1; i++) {
                if (i == 0) {
                    gemm.sgemm(false, true, n, c, oc, 1f, dout, 0, oc, p, w, oc, beta, dinp, 0, c);
                } else {
                    gemm.sgemm(true, false, c, oc, n, 1f, inp, 0, c, dout, 0, oc, 1f, g, w, oc);
                    if (bias >= 0) columnSums(g, bias, dout, n, oc);
                }
            }
        });
    }

    /** g[off + j] += Σ_i x[i, j] for x [N, W]. */
    static void columnSums(float[] g, int off, float[] x, int n, int width) {
        Parallel.forRange(width, COL_BLOCK, (j0, j1) -> {
            for (int i = 0; i < n; i++) RowKernel.BEST.addTo(x, i * width + j0, g, off + j0, j1 - j0);
        });
    }

    // ---------------------------------------------------------------- causal multi-head attention

    /**
     * out[N, D] = per head h: softmax(q·kᵀ/√Dh, causal)·v, heads concatenated (h·Dh + d);
     * qkv[N, 3D] holds q | k | v blocks; att[B, H, T, T] keeps the pattern (0 above the diagonal).
     * Per (batch, head) the scores and the weighted sum are two GEMMs on strided views of qkv
     * (computing the masked half too is cheaper than scalar loops). The (batch, head) pairs run in
     * parallel, each doing its GEMMs, softmax and weighted sum on one thread: the GEMMs are tiny
     * (T × T × Dh), and inside a parallel region {@link Kernels#gemm()} runs them single-threaded
     * instead of waking a BLAS thread pool 2·B·H times per pass. Heads a whole number of vectors wide
     * (loupe-1l: Dh = 32) go to the fused {@link VectorAttention} instead, which skips the masked half.
     */
    static void attentionForward(float[] out, float[] att, float[] qkv, int bsz, int t, int d, int h) {
        if (fused(d / h)) AttentionKernel.VECTOR.forward(out, att, qkv, bsz, t, d, h);
        else gemmAttentionForward(out, att, qkv, bsz, t, d, h);
    }

    /** The GEMM version of {@link #attentionForward}: the reference, and the path without the Vector API. */
    static void gemmAttentionForward(float[] out, float[] att, float[] qkv, int bsz, int t, int d, int h) {
        int dh = d / h, d3 = 3 * d;
        float scale = (float) (1.0 / Math.sqrt(dh));
        var gemm = Kernels.gemm();
        Ops.forRows(bsz * h, bh -> {
            int b = bh / h, head = bh % h, a0 = bh * t * t;
            int q0 = b * t * d3 + head * dh;
            // scores[T, T] = scale · q[T, Dh] · k[T, Dh]ᵀ
            gemm.sgemm(false, true, t, t, dh, scale, qkv, q0, d3, qkv, q0 + d, d3, 0f, att, a0, t);
            for (int t1 = 0; t1 < t; t1++) {
                int ao = a0 + t1 * t;
                float max = RowKernel.BEST.max(att, ao, t1 + 1);
                float inv = (float) (1.0 / RowKernel.BEST.expShiftSum(att, att, ao, t1 + 1, max));
                for (int t2 = 0; t2 <= t1; t2++) att[ao + t2] *= inv;
                java.util.Arrays.fill(att, ao + t1 + 1, ao + t, 0f);
            }
            // out[T, Dh] = pattern[T, T] · v[T, Dh]
            gemm.sgemm(false, false, t, dh, t, 1f, att, a0, t, qkv, q0 + 2 * d, d3, 0f, out, b * t * d + head * dh, d);
        });
    }

    /**
     * dqkv[N, 3D] = gradient of attentionForward given dout[N, D] and the saved pattern (overwritten: every
     * entry of dqkv is written, so it needs no zeroing);
     * datt[B, H, T, T] is scratch (first d(pattern), then d(scores)). Parallel over (batch, head) as
     * the forward; each pair writes only its own q, k, v columns of dqkv.
     */
    static void attentionBackward(float[] dqkv, float[] datt, float[] dout, float[] qkv, float[] att,
                                  int bsz, int t, int d, int h) {
        if (fused(d / h)) AttentionKernel.VECTOR.backward(dqkv, dout, qkv, att, bsz, t, d, h);
        else gemmAttentionBackward(dqkv, datt, dout, qkv, att, bsz, t, d, h);
    }

    /** The GEMM version of {@link #attentionBackward}. */
    static void gemmAttentionBackward(float[] dqkv, float[] datt, float[] dout, float[] qkv, float[] att,
                                      int bsz, int t, int d, int h) {
        int dh = d / h, d3 = 3 * d;
        float scale = (float) (1.0 / Math.sqrt(dh));
        var gemm = Kernels.gemm();
        Ops.forRows(bsz * h, bh -> {
            int b = bh / h, head = bh % h, a0 = bh * t * t;
            int q0 = b * t * d3 + head * dh, v0 = q0 + 2 * d, o0 = b * t * d + head * dh;
            gemm.sgemm(false, true, t, t, dh, 1f, dout, o0, d, qkv, v0, d3, 0f, datt, a0, t);   // dpattern = dout·vᵀ
            gemm.sgemm(true, false, t, dh, t, 1f, att, a0, t, dout, o0, d, 0f, dqkv, v0, d3);   // dv = patternᵀ·dout
            for (int t1 = 0; t1 < t; t1++) {   // softmax backward: dscores = p ⊙ (dp − Σ p·dp); 0 where masked
                int ao = a0 + t1 * t;
                double dot = 0;
                for (int t2 = 0; t2 <= t1; t2++) dot += att[ao + t2] * datt[ao + t2];
                float fdot = (float) dot;
                for (int t2 = 0; t2 <= t1; t2++) datt[ao + t2] = att[ao + t2] * (datt[ao + t2] - fdot);
                java.util.Arrays.fill(datt, ao + t1 + 1, ao + t, 0f);
            }
            gemm.sgemm(false, false, t, dh, t, scale, datt, a0, t, qkv, q0 + d, d3, 0f, dqkv, q0, d3);  // dq = scale·ds·k
            gemm.sgemm(true, false, t, dh, t, scale, datt, a0, t, qkv, q0, d3, 0f, dqkv, q0 + d, d3);   // dk = scale·dsᵀ·q
        });
    }

    private static boolean fused(int dh) {
        return AttentionKernel.VECTOR != null && AttentionKernel.VECTOR.supports(dh);
    }

    // ---------------------------------------------------------------- MLP nonlinearity

    private static final float GELU_S = (float) Math.sqrt(2.0 / Math.PI);

    static void activationForward(Gpt2Config.Activation act, float[] out, float[] inp, int n) {
        Ops.forRows((n + 4095) / 4096, blk -> {
            int i1 = Math.min(n, blk * 4096 + 4096);
            if (act == Gpt2Config.Activation.RELU) {
                for (int i = blk * 4096; i < i1; i++) out[i] = Math.max(0f, inp[i]);
            } else {
                for (int i = blk * 4096; i < i1; i++) {    // gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
                    float x = inp[i];
                    out[i] = 0.5f * x * (1f + (float) Math.tanh(GELU_S * (x + 0.044715f * x * x * x)));
                }
            }
        });
    }

    /** dinp[i] = act'(inp[i]) · dout[i] for i &lt; n (overwritten, not accumulated: the MLP's only writer of that gradient). */
    static void activationBackward(Gpt2Config.Activation act, float[] dinp, float[] inp, float[] dout, int n) {
        Ops.forRows((n + 4095) / 4096, blk -> {
            int i1 = Math.min(n, blk * 4096 + 4096);
            if (act == Gpt2Config.Activation.RELU) {
                RowKernel.BEST.reluBackward(dinp, inp, dout, blk * 4096, i1 - blk * 4096);
            } else {
                for (int i = blk * 4096; i < i1; i++) {
                    float x = inp[i];
                    float th = (float) Math.tanh(GELU_S * (x + 0.044715f * x * x * x));
                    float dth = (1f - th * th) * GELU_S * (1f + 3f * 0.044715f * x * x);
                    dinp[i] = (0.5f * (1f + th) + 0.5f * x * dth) * dout[i];
                }
            }
        });
    }

    // ---------------------------------------------------------------- residual

    static void residualForward(float[] out, float[] a, float[] b, int n) {
        Ops.add(a, b, out, n);
    }
}
