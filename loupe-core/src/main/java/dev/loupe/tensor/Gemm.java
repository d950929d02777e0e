package dev.loupe.tensor;

/**
 * Single-precision general matrix multiply, row-major, BLAS semantics:
 * {@code C = alpha · op(A) · op(B) + beta · C} where {@code op(X)} is X or Xᵀ.
 *
 * <p>{@code op(A)} is [m, k], {@code op(B)} is [k, n], C is [m, n]. Leading dimensions are row strides
 * of the matrices as stored (A stored [m, k] with lda ≥ k, or [k, m] with lda ≥ m when transposed).
 * When {@code beta == 0}, C is overwritten (NaNs in C are not propagated), as in BLAS.
 *
 * <p>Implementations: {@link ScalarGemm} (reference), a Vector API blocked GEMM, OpenBLAS via FFM.
 * {@link Kernels#gemm()} returns the one chosen at start-up.
 */
public interface Gemm {
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /** Short backend name shown by {@code loupe info} and benchmarks. */
    String name();
}
