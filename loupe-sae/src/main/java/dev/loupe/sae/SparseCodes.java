package dev.loupe.sae;

import java.util.Arrays;

/**
 * Row-compressed sparse feature activations (CSR: row b owns entries [rowPtr[b], rowPtr[b+1])) and the
 * sparse decoder kernels that make topk/batchtopk cheap: decoding and its backward touch only the active
 * decoder rows, k·d_in work per row instead of d_sae·d_in.
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

    /** Dense [n, dSae] copy. */
    public float[] toDense(int dSae) {
        float[] out = new float[n * dSae];
        for (int b = 0; b < n; b++) for (int p = rowPtr[b]; p < rowPtr[b + 1]; p++) out[b * dSae + idx[p]] = val[p];
        return out;
    }

    /** out[n, d] += Σ_p val_p · wDec[idx_p] per row. */
    void decodeInto(float[] wDec, int d, float[] out) {
        for (int b = 0; b < n; b++) {
            int o = b * d;
            for (int p = rowPtr[b]; p < rowPtr[b + 1]; p++) {
                float v = val[p];
                int w = idx[p] * d;
                for (int j = 0; j < d; j++) out[o + j] += v * wDec[w + j];
            }
        }
    }

    /**
     * Backward of {@link #decodeInto}: returns dval (∂L/∂val_p = dOut_b · wDec[idx_p]) and adds
     * val_p · dOut_b into gWdec[idx_p].
     */
    float[] decodeBackward(float[] wDec, int d, float[] dOut, float[] gWdec) {
        float[] dval = new float[size];
        for (int b = 0; b < n; b++) {
            int o = b * d;
            for (int p = rowPtr[b]; p < rowPtr[b + 1]; p++) {
                int w = idx[p] * d;
                float v = val[p];
                float d0 = 0, d1 = 0, d2 = 0, d3 = 0;   // four accumulators: independent FMA chains
                int j = 0;
                for (; j + 3 < d; j += 4) {
                    d0 += dOut[o + j] * wDec[w + j];
                    d1 += dOut[o + j + 1] * wDec[w + j + 1];
                    d2 += dOut[o + j + 2] * wDec[w + j + 2];
                    d3 += dOut[o + j + 3] * wDec[w + j + 3];
                }
                for (; j < d; j++) d0 += dOut[o + j] * wDec[w + j];
                for (j = 0; j < d; j++) gWdec[w + j] += v * dOut[o + j];
                dval[p] = (d0 + d1) + (d2 + d3);
            }
        }
        return dval;
    }

    /**
     * Encoder backward for sparse pre-activation gradients dpre (aligned with the entries): adds into
     * gbEnc[idx], and into gWencT [d_sae, d_in] (the transposed encoder gradient, row scatter) xc_b·dpre.
     */
    void encoderBackward(float[] dpre, float[] xc, int d, float[] gbEnc, float[] gWencT) {
        for (int b = 0; b < n; b++) {
            int o = b * d;
            for (int p = rowPtr[b]; p < rowPtr[b + 1]; p++) {
                float g = dpre[p];
                if (g == 0f) continue;
                gbEnc[idx[p]] += g;
                int w = idx[p] * d;
                for (int j = 0; j < d; j++) gWencT[w + j] += g * xc[o + j];
            }
        }
    }

    /**
     * Indices of the k largest values of a[off, off+len) restricted to {@code allowed} (null = all),
     * by a size-k min-heap; ties keep the lower index. Returns the count found (≤ k) in outIdx.
     */
    static int topK(float[] a, int off, int len, int k, boolean[] allowed, int[] outIdx) {
        int[] heap = outIdx;   // heap of indices ordered by value (min at the root)
        int size = 0;
        for (int i = 0; i < len; i++) {
            if (allowed != null && !allowed[i]) continue;
            float v = a[off + i];
            if (size < k) {
                heap[size] = i;
                siftUp(a, off, heap, size++);
            } else if (v > a[off + heap[0]]) {
                heap[0] = i;
                siftDown(a, off, heap, size);
            }
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

    /** gWenc [d, s] += gWencT [s, d]ᵀ. */
    static void addTransposed(float[] gWencT, int s, int d, float[] gWenc) {
        for (int i = 0; i < s; i++) {
            int o = i * d;
            for (int j = 0; j < d; j++) {
                float g = gWencT[o + j];
                if (g != 0f) gWenc[j * s + i] += g;
            }
        }
    }
}
