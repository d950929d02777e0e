package dev.loupe.lm;

import dev.loupe.tensor.Ops;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Causal multi-head attention fused per (batch, head) with register-tiled Vector API loops: the same
 * results as the GEMM version in {@link Layers} (to rounding), computing only the causal half
 * (t2 ≤ t1) and none of the packing and call overhead of 6 tiny GEMMs per head (T = 128, Dh = 32 for
 * loupe-1l). The (batch, head) pairs run in parallel, each on one thread, writing only its own
 * columns, so results do not depend on the thread count. Rows are done in blocks of {@value #R}
 * (four accumulators); heads must be a whole number of vectors wide ({@link #supports}).
 *
 * <p>Layouts as in {@link Layers#attentionForward}: qkv[N, 3D] = q | k | v, out[N, D],
 * att[B, H, T, T] the pattern, 0 above the diagonal. Checked against finite differences and against
 * the GEMM version ({@code LayersGradientTest}).
 */
final class VectorAttention implements AttentionKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length(), R = 4;

    @Override public boolean supports(int dh) { return dh % L == 0; }

    /** Per-thread scratch: a transposed k or v of one head, padded to whole vectors, and R rows of scores. */
    private record Scratch(float[] trans, float[] rows, float[] dk, float[] dv, float[] scaled, int tp) {
        static Scratch of(int t, int dh) {
            int tp = (t + L - 1) / L * L;
            return new Scratch(new float[dh * tp], new float[R * tp], new float[t * dh], new float[t * dh], new float[R * dh], tp);
        }
    }

    @Override public void forward(float[] out, float[] att, float[] qkv, int bsz, int t, int d, int h) {
        int dh = d / h, d3 = 3 * d;
        float scale = (float) (1.0 / Math.sqrt(dh));
        Ops.forRange(bsz * h, (from, to) -> {
            Scratch s = Scratch.of(t, dh);
            for (int bh = from; bh < to; bh++) {
                int b = bh / h, head = bh % h, a0 = bh * t * t;
                int q0 = b * t * d3 + head * dh, v0 = q0 + 2 * d, o0 = b * t * d + head * dh;
                transpose(qkv, q0 + d, d3, t, dh, s.trans, s.tp);
                for (int t1 = 0; t1 < t; t1 += R) {
                    // scores[r, t2] = scale · q[t1 + r]·k[t2] for the R rows, t2 up to the block's last row
                    rowsTimesTransposed(qkv, q0, d3, t1, t, scale, s.trans, s.tp, dh, s.rows, s.scaled);
                    for (int r = 0; r < R && t1 + r < t; r++) softmaxRow(s.rows, r * s.tp, t1 + r + 1, att, a0 + (t1 + r) * t, t);
                    // out[t1 + r] = Σ_t2 pattern[t1 + r, t2] · v[t2]
                    patternTimes(att, a0 + t1 * t, t, t1, t, qkv, v0, d3, dh, out, o0 + t1 * d, d);
                }
            }
        });
    }

    @Override public void backward(float[] dqkv, float[] dout, float[] qkv, float[] att, int bsz, int t, int d, int h) {
        int dh = d / h, d3 = 3 * d;
        float scale = (float) (1.0 / Math.sqrt(dh));
        Ops.forRange(bsz * h, (from, to) -> {
            Scratch s = Scratch.of(t, dh);
            for (int bh = from; bh < to; bh++) {
                int b = bh / h, head = bh % h, a0 = bh * t * t;
                int q0 = b * t * d3 + head * dh, k0 = q0 + d, v0 = q0 + 2 * d, o0 = b * t * d + head * dh;
                transpose(qkv, v0, d3, t, dh, s.trans, s.tp);
                Arrays.fill(s.dk, 0f);
                Arrays.fill(s.dv, 0f);
                for (int t1 = 0; t1 < t; t1 += R) {
                    // dpattern[r, t2] = dout[t1 + r]·v[t2]
                    rowsTimesTransposed(dout, o0, d, t1, t, 1f, s.trans, s.tp, dh, s.rows, s.scaled);
                    // softmax backward in place: dscores = scale · p ⊙ (dp − Σ p·dp), 0 where masked
                    for (int r = 0; r < R; r++) {
                        int ro = r * s.tp, n = t1 + r + 1, ao = a0 + (t1 + r) * t;
                        if (t1 + r >= t) {   // padding rows past the end contribute nothing
                            Arrays.fill(s.rows, ro, ro + s.tp, 0f);
                            continue;
                        }
                        softmaxBackwardRow(s.rows, ro, n, s.tp, att, ao, t, scale);
                    }
                    // dq[t1 + r] = Σ_t2 dscores[r, t2] · k[t2] (each row of dq is written once)
                    patternTimes(s.rows, 0, s.tp, t1, t, qkv, k0, d3, dh, dqkv, q0 + t1 * d3, d3);
                    // dv[t2] += Σ_r pattern[t1 + r, t2] · dout[t1 + r];  dk[t2] += Σ_r dscores[r, t2] · q[t1 + r]
                    transposedTimesRows(att, a0 + t1 * t, t, t1, t, dout, o0, d, dh, s.dv);
                    transposedTimesRows(s.rows, 0, s.tp, t1, t, qkv, q0, d3, dh, s.dk);
                }
                for (int t2 = 0; t2 < t; t2++) {
                    int o = t2 * dh;
                    for (int c = 0; c < dh; c++) {
                        dqkv[k0 + t2 * d3 + c] = s.dk[o + c];
                        dqkv[v0 + t2 * d3 + c] = s.dv[o + c];
                    }
                }
            }
        });
    }

    /**
     * att[ao, ao + t) = softmax of rows[ro, ro + n) followed by zeros, in whole vectors: the scratch row's
     * entries from n to the next whole vector are set to −∞ first (exp gives exactly 0 there). One fused
     * pass per step (max, exp and sum, scale and store) instead of five calls per row; the same
     * arithmetic as {@link RowKernel#max} and {@link RowKernel#expShiftSum} followed by a multiply by 1/sum.
     */
    private static void softmaxRow(float[] rows, int ro, int n, float[] att, int ao, int t) {
        int nv = (n + L - 1) / L * L;
        Arrays.fill(rows, ro + n, ro + nv, Float.NEGATIVE_INFINITY);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < nv; j += L) m = m.max(FloatVector.fromArray(S, rows, ro + j));
        float max = m.reduceLanes(VectorOperators.MAX);   // max is exact in any order
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < nv; j += L) {
            FloatVector e = VectorRowKernel.exp(FloatVector.fromArray(S, rows, ro + j).sub(max));
            e.intoArray(rows, ro + j);
            sum = sum.add(e);
        }
        float inv = (float) (1.0 / VectorRowKernel.lanes(sum));
        int whole = nv <= t ? nv : nv - L;   // the last vector would run past the pattern row: store it by lanes
        int j = 0;
        for (; j < whole; j += L) FloatVector.fromArray(S, rows, ro + j).mul(inv).intoArray(att, ao + j);
        for (; j < n; j++) att[ao + j] = rows[ro + j] * inv;
        Arrays.fill(att, ao + Math.max(j, n), ao + t, 0f);
    }

    /**
     * In place, the softmax backward of one pattern row: rows[ro + j] = scale · p_j · (dp_j − Σ_k p_k·dp_k)
     * for j &lt; n with p = att[ao..] and dp = rows[ro..], 0 from n to tp. The pattern row is 0 from n
     * to t, so whole vectors up to n rounded up give 0 there (the scratch holds finite scores there).
     */
    private static void softmaxBackwardRow(float[] rows, int ro, int n, int tp, float[] att, int ao, int t, float scale) {
        int nv = (n + L - 1) / L * L, whole = nv <= t ? nv : nv - L;
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j < whole; j += L) acc = FloatVector.fromArray(S, att, ao + j).fma(FloatVector.fromArray(S, rows, ro + j), acc);
        double dot = VectorRowKernel.lanes(acc);
        for (int k = j; k < n; k++) dot += att[ao + k] * rows[ro + k];
        float fdot = (float) dot;
        for (j = 0; j < whole; j += L) {
            FloatVector p = FloatVector.fromArray(S, att, ao + j);
            p.mul(scale).mul(FloatVector.fromArray(S, rows, ro + j).sub(fdot)).intoArray(rows, ro + j);
        }
        for (; j < n; j++) rows[ro + j] = scale * att[ao + j] * (rows[ro + j] - fdot);
        Arrays.fill(rows, ro + Math.max(j, n), ro + tp, 0f);
    }

    /**
     * rows[r, t2] = alpha · a[t1 + r]·bᵀ[:, t2] for r &lt; R and t2 &lt; min(t1 + R, t) rounded up to a
     * vector, where a's row i starts at aOff + i·lda (Dh wide) and bT is [Dh, tp]; {@code scaled} is
     * [R, Dh] scratch for alpha·a. Rows past t repeat the last row (their results are ignored). Register
     * tile: 4 rows × 2 vectors of columns (8 accumulators, 2 loads and 4 broadcasts per 8 fmas); each
     * sum runs over c in order, as a one-vector tile would.
     */
    private static void rowsTimesTransposed(float[] a, int aOff, int lda, int t1, int t, float alpha,
                                            float[] bT, int tp, int dh, float[] rows, float[] scaled) {
        for (int r = 0; r < R; r++) {
            int ar = aOff + Math.min(t1 + r, t - 1) * lda;
            for (int c = 0; c < dh; c++) scaled[r * dh + c] = alpha * a[ar + c];
        }
        int cols = Math.min(t1 + R, t), colsV = (cols + L - 1) / L * L, j = 0;
        for (; j + 2 * L <= colsV; j += 2 * L) {
            FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            for (int c = 0; c < dh; c++) {
                FloatVector b0 = FloatVector.fromArray(S, bT, c * tp + j), b1 = FloatVector.fromArray(S, bT, c * tp + j + L);
                FloatVector q = bc(scaled[c]);
                c00 = b0.fma(q, c00);
                c01 = b1.fma(q, c01);
                q = bc(scaled[dh + c]);
                c10 = b0.fma(q, c10);
                c11 = b1.fma(q, c11);
                q = bc(scaled[2 * dh + c]);
                c20 = b0.fma(q, c20);
                c21 = b1.fma(q, c21);
                q = bc(scaled[3 * dh + c]);
                c30 = b0.fma(q, c30);
                c31 = b1.fma(q, c31);
            }
            c00.intoArray(rows, j);
            c01.intoArray(rows, j + L);
            c10.intoArray(rows, tp + j);
            c11.intoArray(rows, tp + j + L);
            c20.intoArray(rows, 2 * tp + j);
            c21.intoArray(rows, 2 * tp + j + L);
            c30.intoArray(rows, 3 * tp + j);
            c31.intoArray(rows, 3 * tp + j + L);
        }
        if (j < colsV) {
            FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
            for (int c = 0; c < dh; c++) {
                FloatVector bv = FloatVector.fromArray(S, bT, c * tp + j);
                c0 = bv.fma(bc(scaled[c]), c0);
                c1 = bv.fma(bc(scaled[dh + c]), c1);
                c2 = bv.fma(bc(scaled[2 * dh + c]), c2);
                c3 = bv.fma(bc(scaled[3 * dh + c]), c3);
            }
            c0.intoArray(rows, j);
            c1.intoArray(rows, tp + j);
            c2.intoArray(rows, 2 * tp + j);
            c3.intoArray(rows, 3 * tp + j);
        }
    }

    /**
     * out[t1 + r, :Dh] = Σ_t2 p[r, t2] · b[t2, :Dh] for the rows r &lt; min(R, t − t1), where p's row r
     * starts at p0 + r·ldp, b's row t2 at bOff + t2·ldb and out's row t1 + r at o0 + r·ldo. Entries of
     * p above the diagonal (t2 &gt; t1 + r) must be 0, as they are in the pattern and the masked dscores.
     * Two vectors of Dh at a time (8 accumulators) where Dh allows, each sum over t2 in order.
     */
    private static void patternTimes(float[] p, int p0, int ldp, int t1, int t, float[] b, int bOff, int ldb, int dh,
                                     float[] out, int o0, int ldo) {
        int rows = Math.min(R, t - t1), k = t1 + rows;
        // rows past the end read the last real row again (valid memory); their sums are not stored
        int p1 = p0 + Math.min(1, rows - 1) * ldp, p2 = p0 + Math.min(2, rows - 1) * ldp, p3 = p0 + Math.min(3, rows - 1) * ldp;
        int c = 0;
        for (; c + 2 * L <= dh; c += 2 * L) {
            FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            for (int t2 = 0; t2 < k; t2++) {
                int bo = bOff + t2 * ldb + c;
                FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L);
                FloatVector w = bc(p[p0 + t2]);
                c00 = b0.fma(w, c00);
                c01 = b1.fma(w, c01);
                w = bc(p[p1 + t2]);
                c10 = b0.fma(w, c10);
                c11 = b1.fma(w, c11);
                w = bc(p[p2 + t2]);
                c20 = b0.fma(w, c20);
                c21 = b1.fma(w, c21);
                w = bc(p[p3 + t2]);
                c30 = b0.fma(w, c30);
                c31 = b1.fma(w, c31);
            }
            c00.intoArray(out, o0 + c);
            c01.intoArray(out, o0 + c + L);
            if (rows > 1) { c10.intoArray(out, o0 + ldo + c); c11.intoArray(out, o0 + ldo + c + L); }
            if (rows > 2) { c20.intoArray(out, o0 + 2 * ldo + c); c21.intoArray(out, o0 + 2 * ldo + c + L); }
            if (rows > 3) { c30.intoArray(out, o0 + 3 * ldo + c); c31.intoArray(out, o0 + 3 * ldo + c + L); }
        }
        for (; c < dh; c += L) {
            FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
            for (int t2 = 0; t2 < k; t2++) {
                FloatVector bv = FloatVector.fromArray(S, b, bOff + t2 * ldb + c);
                c0 = bv.fma(bc(p[p0 + t2]), c0);
                c1 = bv.fma(bc(p[p1 + t2]), c1);
                c2 = bv.fma(bc(p[p2 + t2]), c2);
                c3 = bv.fma(bc(p[p3 + t2]), c3);
            }
            c0.intoArray(out, o0 + c);
            if (rows > 1) c1.intoArray(out, o0 + ldo + c);
            if (rows > 2) c2.intoArray(out, o0 + 2 * ldo + c);
            if (rows > 3) c3.intoArray(out, o0 + 3 * ldo + c);
        }
    }

    private static FloatVector bc(float x) { return FloatVector.broadcast(S, x); }

    /**
     * acc[t2, :Dh] += Σ_r p[r, t2] · a[t1 + r, :Dh] over the rows r &lt; min(R, t − t1) and t2 &lt; t1 + R
     * (capped at t), where p's row r starts at p0 + r·ldp (entries above the diagonal 0) and a's row i
     * at aOff + i·lda; acc is [T, Dh]. Two vectors of Dh at a time where Dh allows; per element the terms
     * are added in row order, as a one-vector loop would.
     */
    private static void transposedTimesRows(float[] p, int p0, int ldp, int t1, int t, float[] a, int aOff, int lda,
                                            int dh, float[] acc) {
        int rows = Math.min(R, t - t1), cols = Math.min(t1 + R, t);
        // rows past the end point at the last real row and get weight 0
        int i1 = Math.min(1, rows - 1), i2 = Math.min(2, rows - 1), i3 = Math.min(3, rows - 1);
        float m1 = rows > 1 ? 1f : 0f, m2 = rows > 2 ? 1f : 0f, m3 = rows > 3 ? 1f : 0f;
        int a0 = aOff + t1 * lda, q1 = p0 + i1 * ldp, q2 = p0 + i2 * ldp, q3 = p0 + i3 * ldp;
        int c = 0;
        for (; c + 2 * L <= dh; c += 2 * L) {
            FloatVector r00 = FloatVector.fromArray(S, a, a0 + c), r01 = FloatVector.fromArray(S, a, a0 + c + L);
            FloatVector r10 = FloatVector.fromArray(S, a, a0 + i1 * lda + c), r11 = FloatVector.fromArray(S, a, a0 + i1 * lda + c + L);
            FloatVector r20 = FloatVector.fromArray(S, a, a0 + i2 * lda + c), r21 = FloatVector.fromArray(S, a, a0 + i2 * lda + c + L);
            FloatVector r30 = FloatVector.fromArray(S, a, a0 + i3 * lda + c), r31 = FloatVector.fromArray(S, a, a0 + i3 * lda + c + L);
            for (int t2 = 0; t2 < cols; t2++) {
                int o = t2 * dh + c;
                FloatVector w0 = bc(p[p0 + t2]), w1 = bc(m1 * p[q1 + t2]), w2 = bc(m2 * p[q2 + t2]), w3 = bc(m3 * p[q3 + t2]);
                FloatVector s0 = r00.fma(w0, FloatVector.fromArray(S, acc, o));
                FloatVector s1 = r01.fma(w0, FloatVector.fromArray(S, acc, o + L));
                s0 = r10.fma(w1, s0);
                s1 = r11.fma(w1, s1);
                s0 = r20.fma(w2, s0);
                s1 = r21.fma(w2, s1);
                r30.fma(w3, s0).intoArray(acc, o);
                r31.fma(w3, s1).intoArray(acc, o + L);
            }
        }
        for (; c < dh; c += L) {
            FloatVector r0 = FloatVector.fromArray(S, a, a0 + c), r1 = FloatVector.fromArray(S, a, a0 + i1 * lda + c),
                        r2 = FloatVector.fromArray(S, a, a0 + i2 * lda + c), r3 = FloatVector.fromArray(S, a, a0 + i3 * lda + c);
            for (int t2 = 0; t2 < cols; t2++) {
                int o = t2 * dh + c;
                FloatVector sum = r0.fma(bc(p[p0 + t2]), FloatVector.fromArray(S, acc, o));
                sum = r1.fma(bc(m1 * p[q1 + t2]), sum);
                sum = r2.fma(bc(m2 * p[q2 + t2]), sum);
                r3.fma(bc(m3 * p[q3 + t2]), sum).intoArray(acc, o);
            }
        }
    }

    /** dst[c·tp + t2] = src[off + t2·ld + c] for t2 &lt; t, c &lt; Dh; the padding columns t2 ≥ t are 0. */
    private static void transpose(float[] src, int off, int ld, int t, int dh, float[] dst, int tp) {
        for (int c = 0; c < dh; c++) {
            int o = c * tp;
            for (int t2 = 0; t2 < t; t2++) dst[o + t2] = src[off + t2 * ld + c];
            Arrays.fill(dst, o + t, o + tp, 0f);
        }
    }
}
