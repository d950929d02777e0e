package dev.loupe.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tile micro-kernel of {@link VectorGemm} and the packing routines that feed it. Not a
 * GEMM by itself: {@link VectorGemm} does the blocking, threading and edges, and its parity with
 * {@link ScalarGemm} (and OpenBLAS) is what {@code GemmParityTest} checks. Like VectorGemm, this
 * class imports {@code jdk.incubator.vector} and is only loaded through it.
 *
 * <p>The micro-kernel computes one MR × NR tile of C = alpha · Ap · Bp over kc k-steps,
 * with the 24 accumulators (MR = 12 rows × 2 vectors of VL lanes) held in registers for the whole
 * k loop and written to C once at the end. Each k-step loads 2 vectors of B, broadcasts 12 values
 * of A (C2 folds each into one {@code vbroadcastss zmm, m32}, a load-port µop, so the two FMA
 * ports issue nothing but the 24 FMAs). On AVX-512 the 24 accumulators, 2 B vectors and the
 * broadcast fit in the 32 vector registers.
 *
 * <p>Packed layouts (both zero-padded at the matrix edges, so the kernel never branches on shape):
 * <pre>
 *   A micro-panel: MR rows of op(A), k-major:    ap[p·MR + r] = op(A)[row0 + r, pc + p]
 *   B micro-panel: NR columns of op(B), k-major: bp[p·NR + j] = op(B)[pc + p, col0 + j]
 * </pre>
 * Transposes only change how a panel is packed; every op runs the same kernel.
 */
final class VectorGemmKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    static final int MR = 12;
    static final int NR = 2 * VL;

    private VectorGemmKernel() {}

    /**
     * C[ci + r·ldc + j] = alpha · Σ_p ap[a + p·MR + r] · bp[b + p·bStride + j] for r &lt; MR, j &lt; NR
     * (C is only written). bStride is NR for a packed B micro-panel and ldb when a non-transposed B
     * is read in place.
     */
    static void kernel(int kc, float[] ap, int a, float[] bp, int b, int bStride,
                       float[] c, int ci, int ldc, float alpha) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z, c70 = z, c71 = z, c80 = z, c81 = z, c90 = z, c91 = z, ca0 = z, ca1 = z, cb0 = z, cb1 = z;
        for (int p = 0; p < kc; p++) {
            int ai = a + p * MR, bi = b + p * bStride;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector x;
            x = FloatVector.broadcast(S, ap[ai + 0]); c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]); c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]); c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]); c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]); c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]); c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(S, ap[ai + 6]); c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(S, ap[ai + 7]); c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
            x = FloatVector.broadcast(S, ap[ai + 8]); c80 = b0.fma(x, c80); c81 = b1.fma(x, c81);
            x = FloatVector.broadcast(S, ap[ai + 9]); c90 = b0.fma(x, c90); c91 = b1.fma(x, c91);
            x = FloatVector.broadcast(S, ap[ai + 10]); ca0 = b0.fma(x, ca0); ca1 = b1.fma(x, ca1);
            x = FloatVector.broadcast(S, ap[ai + 11]); cb0 = b0.fma(x, cb0); cb1 = b1.fma(x, cb1);
        }
        // Written out here rather than through a helper: C2 stops inlining in a method this large,
        // and a vector passed to a call that is not inlined is boxed on the heap. (For the same
        // reason beta is applied by the caller: a second store path here exceeded C2's node budget.)
            c00.mul(alpha).intoArray(c, ci); c01.mul(alpha).intoArray(c, ci + VL); ci += ldc;
            c10.mul(alpha).intoArray(c, ci); c11.mul(alpha).intoArray(c, ci + VL); ci += ldc;
            c20.mul(alpha).intoArray(c, ci); c21.mul(alpha).intoArray(c, ci + VL); ci += ldc;
            c30.mul(alpha).intoArray(c, ci); c31.mul(alpha).intoArray(c, ci + VL); ci += ldc;
            c40.mul(alpha).intoArray(c, ci); c41.mul(alpha).intoArray(c, ci + VL); ci += ldc;
            c50.mul(alpha).intoArray(c, ci); c51.mul(alpha).intoArray(c, ci + VL); ci += ldc;
            c60.mul(alpha).intoArray(c, ci); c61.mul(alpha).intoArray(c, ci + VL); ci += ldc;
            c70.mul(alpha).intoArray(c, ci); c71.mul(alpha).intoArray(c, ci + VL); ci += ldc;
            c80.mul(alpha).intoArray(c, ci); c81.mul(alpha).intoArray(c, ci + VL); ci += ldc;
            c90.mul(alpha).intoArray(c, ci); c91.mul(alpha).intoArray(c, ci + VL); ci += ldc;
            ca0.mul(alpha).intoArray(c, ci); ca1.mul(alpha).intoArray(c, ci + VL); ci += ldc;
            cb0.mul(alpha).intoArray(c, ci); cb1.mul(alpha).intoArray(c, ci + VL); ci += ldc;
    }


    /**
     * Packs op(A)[row0 : row0+rows, pc : pc+kc] (rows ≤ MR) as one A micro-panel at {@code ap[d]},
     * zero rows below {@code rows}.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int row0, int rows, int pc, int kc,
                      float[] ap, int d) {
        if (transA) {  // A stored [k, m]: each k-step's MR values are contiguous in a stored row
            for (int p = 0; p < kc; p++) {
                int src = aOff + (pc + p) * lda + row0, dp = d + p * MR;
                for (int r = 0; r < rows; r++) ap[dp + r] = a[src + r];
                for (int r = rows; r < MR; r++) ap[dp + r] = 0f;
            }
            return;
        }
        int src = aOff + row0 * lda + pc;  // A stored [m, k]: MR row streams, contiguous writes
        if (rows == MR) {
            for (int p = 0; p < kc; p++) {
                int dp = d + p * MR, sp = src + p;
                for (int r = 0; r < MR; r++) ap[dp + r] = a[sp + r * lda];
            }
            return;
        }
        for (int p = 0; p < kc; p++) {
            int dp = d + p * MR, sp = src + p;
            for (int r = 0; r < rows; r++) ap[dp + r] = a[sp + r * lda];
            for (int r = rows; r < MR; r++) ap[dp + r] = 0f;
        }
    }

    /**
     * Packs op(B)[pc : pc+kc, col0 : col0+cols] (cols ≤ NR) as one B micro-panel at {@code bp[d]},
     * zero columns right of {@code cols}.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int col0, int cols, int pc, int kc,
                      float[] bp, int d) {
        if (!transB && cols == NR) {  // B stored [k, n]: NR contiguous values per k-step
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * ldb + col0, dp = d + p * NR;
                for (int j = 0; j < NR; j += VL) FloatVector.fromArray(S, b, src + j).intoArray(bp, dp + j);
            }
        } else if (!transB) {
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * ldb + col0, dp = d + p * NR;
                for (int j = 0; j < cols; j++) bp[dp + j] = b[src + j];
                for (int j = cols; j < NR; j++) bp[dp + j] = 0f;
            }
        } else if (cols == NR) {  // B stored [n, k]: gather each k-step's NR values from NR stored rows
            int[] rows = gatherRows(ldb);
            int src = bOff + col0 * ldb + pc;
            for (int p = 0; p < kc; p++) {
                for (int j = 0; j < NR; j += VL) {
                    FloatVector.fromArray(S, b, src + j * ldb + p, rows, 0).intoArray(bp, d + p * NR + j);
                }
            }
        } else {  // ragged last panel of a transposed B: walk its stored rows, write with stride NR
            for (int j = 0; j < cols; j++) {
                int src = bOff + (col0 + j) * ldb + pc;
                for (int p = 0; p < kc; p++) bp[d + p * NR + j] = b[src + p];
            }
            for (int p = 0; p < kc; p++) {
                for (int j = cols; j < NR; j++) bp[d + p * NR + j] = 0f;
            }
        }
    }

    /** Lane offsets {0, ldb, 2·ldb, …} for gathering one column of VL consecutive stored rows of B. */
    private static int[] gatherRows(int ldb) {
        int[] rows = new int[VL];
        for (int t = 0; t < VL; t++) rows[t] = t * ldb;
        return rows;
    }
}
