package dev.loupe.sae;

import java.util.Arrays;

/**
 * Row-compressed sparse feature activations (CSR: row b owns entries [rowPtr[b], rowPtr[b+1])) and the
 * sparse decoder kernels that make topk/batchtopk cheap: decoding and its backward touch only the active
 * decoder rows, k·d_in work per row instead of d_sae·d_in. Every kernel is parallel (over rows, or over
 * features for the scatters into gradient rows) and gives the same values for any thread count.
 */
public final class SparseCodes {
    final int n;
    final int[] rowPtr;
    int[] idx;
    float[] val;
    private int size;

    public SparseCodes(int n, int capacity) {
        this.n = n;
        this.rowPtr = new int[n + 1];
        this.idx = new int[Math.max(1, capacity)];
        this.val = new float[Math.max(1, capacity)];
    }

    /** Appends entry (feature, value) to the current row; rows are closed with {@link #endRow}. */
    void add(int feature, float value) {
        if (size == idx.length) {
            idx = Arrays.copyOf(idx, size * 2);
            val = Arrays.copyOf(val, size * 2);
        }
        idx[size] = feature;
        val[size++] = value;
    }

    void endRow(int b) { rowPtr[b + 1] = size; }

    public int nnz() { return size; }

    /** Mean entries per row (at least 1): the per-row work estimate of the parallel kernels. */
    private int k() { return Math.max(1, size / Math.max(1, n)); }

    /** Dense [n, dSae] copy. */
    public float[] toDense(int dSae) {
        float[] out = new float[n * dSae];
        for (int b = 0; b < n; b++) for (int p = rowPtr[b]; p < rowPtr[b + 1]; p++) out[b * dSae + idx[p]] = val[p];
        return out;
    }

    /**
     * The training selection of topk and AuxK: per row of pre [n, s], the k largest entries among the
     * {@code allowed} features (null = all; ties keep the lower index), in ascending feature order, keeping
     * only positive values (ReLU). Rows are selected in parallel into fixed k-wide slots, then packed.
     */
    static SparseCodes topKRows(float[] pre, int n, int s, int k, boolean[] allowed) {
        int[] slotIdx = new int[n * k], count = new int[n];
        SaeOps.forRange(n, s, (b0, b1) -> {
            int[] top = new int[k];
            for (int b = b0; b < b1; b++) {
                int m = topK(pre, b * s, s, k, allowed, top);
                Arrays.sort(top, 0, m);
                int c = 0;
                for (int t = 0; t < m; t++) if (pre[b * s + top[t]] > 0) slotIdx[b * k + c++] = top[t];
                count[b] = c;
            }
        });
        SparseCodes sc = new SparseCodes(n, n * k);
        for (int b = 0; b < n; b++) {
            for (int t = 0; t < count[b]; t++) sc.add(slotIdx[b * k + t], pre[b * s + slotIdx[b * k + t]]);
            sc.endRow(b);
        }
        return sc;
    }

    /** out[n, d] += Σ_p val_p · wDec[idx_p] per row (parallel over rows). */
    void decodeInto(float[] wDec, int d, float[] out) {
        SaeOps.forRows(n, (long) k() * d, b -> {
            int o = b * d;
            for (int p = rowPtr[b]; p < rowPtr[b + 1]; p++) {
                float v = val[p];
                int w = idx[p] * d;
                for (int j = 0; j < d; j++) out[o + j] += v * wDec[w + j];
            }
        });
    }

    /**
     * Backward of {@link #decodeInto}: returns dval (∂L/∂val_p = dOut_b · wDec[idx_p]) and adds
     * val_p · dOut_b into gWdec[idx_p] — only the active decoder rows are touched.
     */
    float[] decodeBackward(float[] wDec, int d, float[] dOut, float[] gWdec) {
        float[] dval = new float[size];
        SaeOps.forRows(n, (long) k() * d, b -> {
            int o = b * d;
            for (int p = rowPtr[b]; p < rowPtr[b + 1]; p++) dval[p] = (float) SaeOps.rowDot(dOut, o, wDec, idx[p] * d, d);
        });
        scatterRows(val, dOut, d, gWdec, null);
        return dval;
    }

    /**
     * Encoder backward for sparse pre-activation gradients dpre (aligned with the entries): adds into
     * gbEnc[idx], and into gWencT [d_sae, d_in] (the transposed encoder gradient, row scatter) xc_b·dpre.
     */
    void encoderBackward(float[] dpre, float[] xc, int d, float[] gbEnc, float[] gWencT) {
        scatterRows(dpre, xc, d, gWencT, gbEnc);
    }

    /**
     * g[idx_p] += coef_p · rows_b for every entry p (of row b), and bias[idx_p] += coef_p when bias is
     * given. Parallel over features: the entries are grouped by feature (a counting sort that keeps row
     * order), so every feature's sum runs over rows in ascending order on one thread, as the serial loop
     * would, and no two threads write the same row of g.
     */
    private void scatterRows(float[] coef, float[] rows, int d, float[] g, float[] bias) {
        int features = g.length / d;
        int[] start = new int[features + 1];
        for (int p = 0; p < size; p++) start[idx[p] + 1]++;
        for (int i = 0; i < features; i++) start[i + 1] += start[i];
        int[] next = Arrays.copyOf(start, features), order = new int[size], rowOf = new int[size];
        for (int b = 0; b < n; b++) {
            for (int p = rowPtr[b]; p < rowPtr[b + 1]; p++) {
                int q = next[idx[p]]++;
                order[q] = p;
                rowOf[q] = b;
            }
        }
        SaeOps.forRows(features, (long) Math.max(1, size / features) * d, i -> {
            int w = i * d;
            for (int q = start[i]; q < start[i + 1]; q++) {
                float c = coef[order[q]];
                if (c == 0f) continue;
                if (bias != null) bias[i] += c;
                int o = rowOf[q] * d;
                for (int j = 0; j < d; j++) g[w + j] += c * rows[o + j];
            }
        });
    }

    /**
     * Indices of the k largest values of a[off, off+len) restricted to {@code allowed} (null = all),
     * by a size-k min-heap; ties keep the lower index. Returns the count found (≤ k) in outIdx.
     */
    static int topK(float[] a, int off, int len, int k, boolean[] allowed, int[] outIdx) {
        int[] heap = outIdx;   // heap of indices ordered by value (min at the root)
        int size = 0;
        float min = Float.NEGATIVE_INFINITY;   // value at the root once the heap is full: most entries stop here
        for (int i = 0; i < len; i++) {
            float v = a[off + i];
            if (size == k && !(v > min)) continue;
            if (allowed != null && !allowed[i]) continue;
            if (size < k) {
                heap[size] = i;
                siftUp(a, off, heap, size++);
            } else {
                heap[0] = i;
                siftDown(a, off, heap, size);
            }
            if (size == k) min = a[off + heap[0]];
        }
        return size;
    }

    private static boolean less(float[] a, int off, int i, int j) {
        float x = a[off + i], y = a[off + j];
        return x < y || (x == y && i > j);
    }

    private static void siftUp(float[] a, int off, int[] h, int c) {
        while (c > 0) {
            int p = (c - 1) >> 1;
            if (!less(a, off, h[c], h[p])) break;
            int t = h[c]; h[c] = h[p]; h[p] = t;
            c = p;
        }
    }

    private static void siftDown(float[] a, int off, int[] h, int size) {
        int c = 0;
        while (true) {
            int l = 2 * c + 1, r = l + 1, m = c;
            if (l < size && less(a, off, h[l], h[m])) m = l;
            if (r < size && less(a, off, h[r], h[m])) m = r;
            if (m == c) return;
            int t = h[c]; h[c] = h[m]; h[m] = t;
            c = m;
        }
    }

    /** dst [d, s] = src [s, d]ᵀ, in parallel 64 × 64 tiles (both sides stay in cache). */
    static void transpose(float[] src, int s, int d, float[] dst) {
        int tile = 64;
        SaeOps.forRows((s + tile - 1) / tile, (long) tile * d, ib -> {
            int i0 = ib * tile, i1 = Math.min(s, i0 + tile);
            for (int j0 = 0; j0 < d; j0 += tile) {
                int j1 = Math.min(d, j0 + tile);
                for (int j = j0; j < j1; j++) {
                    int o = j * s;
                    for (int i = i0; i < i1; i++) dst[o + i] = src[i * d + j];
                }
            }
        });
    }
}
