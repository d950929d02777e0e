package dev.loupe.tensor;

/**
 * Single-precision general matrix multiply, row-major, BLAS semantics:
 * {@code C = alpha · op(A) · op(B) + beta · C} where {@code op(X)} is X or Xᵀ.
 *
 * <p>{@code op(A)} is [m, k], {@code op(B)} is [k, n], C is [m, n]. Leading dimensions are row strides
 * of the matrices as stored (A stored [m, k] with lda ≥ k, or [k, m] with lda ≥ m when transposed).
 * When {@code beta == 0}, C is overwritten (NaNs in C are not propagated), as in BLAS. When
 * {@code k == 0} or {@code alpha == 0}, C becomes {@code beta · C}.
 *
 * <p>Implementations: {@link ScalarGemm} (reference), {@link VectorGemm} (Vector API, blocked and
 * packed as in BLIS/GotoBLAS: see its Javadoc), {@link OpenBlasGemm} (the C library through FFM).
 * {@link Kernels#gemm()} returns the one chosen at start-up. Every implementation validates its
 * arguments with {@link #checkArgs} first, so a bad shape is an {@link IllegalArgumentException}
 * naming the argument rather than an out-of-bounds read (or, for native code, heap corruption).
 */
public interface Gemm {
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /** Short backend name shown by {@code loupe info} and benchmarks. */
    String name();

    /** Throws {@link IllegalArgumentException} unless every element the call touches lies inside its array. */
    static void checkArgs(boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
    }

    private static void checkMatrix(String what, float[] x, int off, int ld, int rows, int cols) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: leading dimension of " + what + " is " + ld
                    + " but its stored rows have " + cols + " columns");
        }
        if (rows == 0 || cols == 0) return;
        if (x == null) throw new IllegalArgumentException("sgemm: " + what + " is null");
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length) {
            throw new IllegalArgumentException("sgemm: " + what + " [" + rows + " x " + cols + "] at offset " + off
                    + " with leading dimension " + ld + " needs " + last + " elements but the array has " + x.length);
        }
    }
}
