package dev.loupe.lm;

import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Parallel;

/**
 * The tied unembedding and the mean cross-entropy, forward AND backward in one pass over row chunks
 * of the logits (the loss is the model's last op, so its gradient is known as soon as a chunk's
 * logits are). Per chunk of {@code chunk} rows, on one thread with single-threaded GEMMs:
 * logits_c[C, V] = x_c·wteᵀ; the loss, with dlogits_c = (softmax − onehot)/count kept as exp(logits − max)
 * in place plus a scale per row; dx_c[C, D] = dlogits_c·wte; the thread's own dwte accumulator [V, D] +=
 * dlogits_cᵀ·x_c (the row scale and the one-hot applied to [C, D] rows, see {@link #chunkPass}). The [N, V]
 * logits are never stored whole, and each chunk is still in cache for its row passes and two gradient GEMMs.
 *
 * <p>Deterministic for a given thread count: the chunks are dealt to {@link Kernels#threads()} slots
 * statically (contiguous ranges, the same whatever thread runs a slot; one slot inside a parallel
 * region) and the slots' dwte accumulators are added in slot order. Must agree with the unfused softmax cross-entropy of
 * x·wteᵀ (test {@code ChunkedClassifierTest}, and finite differences in {@code LayersGradientTest}).
 * Not for inference: the engine and {@link Gpt2#logits} keep the whole logits.
 */
final class ChunkedClassifier {
    /**
     * Rows per chunk: 256 (4 MB of logits) measured fastest for the loupe-1l shape at 2 threads, ahead of
     * the L2-sized 64 and 128 (whose per-chunk GEMMs re-read and re-pack the 2 MB wte more often) and level
     * with 512 (docs/lm-trainer-performance.md). A system property only so that measurement can be repeated.
     */
    static final int CHUNK = Integer.getInteger("loupe.chunk", 256);

    private final int chunk, d, v;
    private Slot[] slotScratch = new Slot[0];
    private int slots;

    ChunkedClassifier(int chunk, int d, int v) {
        if (chunk < 1) throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
        this.chunk = chunk;
        this.d = d;
        this.v = v;
    }

    /**
     * For x[N, D] and wte (at p[wte..], [V, D]): losses[i] = logsumexp(x_i·wteᵀ) − (x_i·wteᵀ)[target_i]
     * (0 where target &lt; 0), dx[N, D] = dloss/dx of Σ losses · {@code dloss} (overwritten; dloss = 1/count
     * for the mean over the rows with a target, or 1/(the whole batch's count) for a shard of it), and the
     * slots' dwte accumulators for {@link #writeWeightGradient}. With dx null only the losses are computed
     * (held-out evaluation: no backward GEMMs).
     */
    void forwardBackward(float[] x, float[] p, int wte, int[] targets, int n, float dloss, float[] losses, float[] dx) {
        // one slot per thread; one slot when called from a parallel region (a data-parallel shard), where
        // everything runs on this thread anyway: the result then does not depend on the thread count
        int threads = Parallel.insideParallel() ? 1 : Kernels.threads();
        if (slots != threads) {
            slots = threads;
            slotScratch = new Slot[threads];
            for (int s = 0; s < threads; s++) slotScratch[s] = new Slot(chunk, d, v);
        }
        int chunks = (n + chunk - 1) / chunk;
        Parallel.forRange(slots, (s0, s1) -> {
            for (int s = s0; s < s1; s++) {
                int c0 = (int) ((long) chunks * s / slots), c1 = (int) ((long) chunks * (s + 1) / slots);
                Slot slot = slotScratch[s];
                if (c0 == c1) java.util.Arrays.fill(slot.accumulator, 0f);
                for (int c = c0; c < c1; c++) {
                    int r0 = c * chunk, m = Math.min(chunk, n - r0);
                    chunkPass(x, p, wte, targets, r0, m, dloss, losses, dx, slot, c == c0 ? 0f : 1f);
                }
            }
        });
    }

    /**
     * One chunk. The softmax's scale is not applied to the [C, V] buffer (a third pass over it): with
     * E = exp(logits − max) left in the buffer, s_i = dloss / Σ_j E_ij and t_i the target,
     * dlogits = diag(s)·E − dloss·onehot(t), so dx_c = diag(s)·(E·wte) − dloss·wte[t_i] and
     * dwte += Eᵀ·(diag(s)·x_c) − dloss·(x_i added into row t_i): the same values, with the row scale and
     * the one-hot applied to [C, D] rows instead.
     */
    private void chunkPass(float[] x, float[] p, int wte, int[] targets, int r0, int m, float dloss,
                           float[] losses, float[] dx, Slot slot, float beta) {
        var gemm = Kernels.gemm();   // single-threaded inside the parallel region
        float[] buf = slot.buffer, xs = slot.scaledRows, acc = slot.accumulator;
        gemm.sgemm(false, true, m, v, d, 1f, x, r0 * d, d, p, wte, d, 0f, buf, 0, v);   // logits_c = x_c·wteᵀ
        RowKernel k = RowKernel.BEST;
        for (int i = 0; i < m; i++) {
            int o = i * v, tgt = targets[r0 + i];
            if (tgt < 0) {   // no next token: no loss, zero gradient (E row 0 and s 0)
                losses[r0 + i] = 0f;
                java.util.Arrays.fill(buf, o, o + v, 0f);
                if (dx != null) java.util.Arrays.fill(xs, i * d, i * d + d, 0f);
                continue;
            }
            float max = k.max(buf, o, v);
            float target = buf[o + tgt];
            double sum = k.expShiftSum(buf, buf, o, v, max);
            losses[r0 + i] = (float) (Math.log(sum) + max - target);
            if (dx == null) continue;
            float s = (float) (1.0 / sum) * dloss;
            slot.rowScale[i] = s;
            for (int j = 0; j < d; j++) xs[i * d + j] = s * x[(r0 + i) * d + j];
        }
        if (dx == null) return;
        gemm.sgemm(false, false, m, d, v, 1f, buf, 0, v, p, wte, d, 0f, dx, r0 * d, d);       // dx_c = E·wte
        gemm.sgemm(true, false, v, d, m, 1f, buf, 0, v, xs, 0, d, beta, acc, 0, d);          // acc += Eᵀ·(diag(s)·x_c)
        for (int i = 0; i < m; i++) {
            int tgt = targets[r0 + i], o = (r0 + i) * d;
            if (tgt < 0) continue;   // its E row is 0: dx row 0 already, nothing to add
            float s = slot.rowScale[i];
            int w = wte + tgt * d, a = tgt * d;
            for (int j = 0; j < d; j++) {
                dx[o + j] = s * dx[o + j] - dloss * p[w + j];
                acc[a + j] -= dloss * x[o + j];
            }
        }
    }

    /** One thread's scratch: the [C, V] logits buffer, the [V, D] dwte accumulator, the [C, D] scaled rows and the C row scales. */
    private record Slot(float[] buffer, float[] accumulator, float[] scaledRows, float[] rowScale) {
        Slot(int chunk, int d, int v) {
            this(new float[chunk * v], new float[v * d], new float[chunk * d], new float[chunk]);
        }
    }

    /** g[wte..wte + V·D) = the dwte of the last {@link #forwardBackward}: the slots' accumulators added in slot order (overwrites). */
    void writeWeightGradient(float[] g, int wte) {
        Ops.forRange(v * d, (from, to) -> {
            System.arraycopy(slotScratch[0].accumulator, from, g, wte + from, to - from);
            for (int s = 1; s < slotScratch.length; s++) {
                float[] acc = slotScratch[s].accumulator;
                for (int i = from; i < to; i++) g[wte + i] += acc[i];
            }
        });
    }
}
