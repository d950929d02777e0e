package dev.loupe.tensor;

/**
 * Plain-loop reference GEMM: the correctness oracle for the other backends and the fallback when
 * neither the Vector API nor OpenBLAS is available. Single-threaded, no blocking.
 */
public final class ScalarGemm implements Gemm {
    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(beta, c, cOff, ldc, m, n);
            return;
        }
        float[] acc = new float[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(acc, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (av == 0f) continue;
                if (transB) {
                    for (int j = 0; j < n; j++) acc[j] += av * b[bOff + j * ldb + p];
                } else {
                    int row = bOff + p * ldb;
                    for (int j = 0; j < n; j++) acc[j] += av * b[row + j];
                }
            }
            int crow = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[crow + j] = beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * c[crow + j];
            }
        }
    }

    /** C = beta · C over an [m, n] block; beta == 0 writes zeros (BLAS: A and B are not read). */
    static void scale(float beta, float[] c, int cOff, int ldc, int m, int n) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? 0f : beta * c[row + j];
        }
    }

    @Override public String name() { return "scalar"; }
}
