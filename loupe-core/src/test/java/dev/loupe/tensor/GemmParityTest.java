package dev.loupe.tensor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every GEMM backend against a double-precision reference computed here (independent of
 * {@link ScalarGemm}, which is itself one of the backends under test), over odd shapes, all four
 * transpose combinations, alpha/beta, offsets and padded leading dimensions, with 1 and 2 threads.
 *
 * <p>Tolerance: each element must satisfy |C − C_ref| ≤ 2·γ(k+2)·(|α|·Σ_p|a_ip·b_pj| + |β·c_ij|) with
 * γ(n) = n·u/(1 − n·u), u = 2⁻²⁴. That is the standard worst-case bound for a float dot product
 * of length k summed in any order (Higham, Accuracy and Stability of Numerical Algorithms, §3.1),
 * plus two roundings for alpha and beta, with a factor 2 of slack. It holds for every blocking,
 * FMA use and summation order, so the test cannot fail by a legitimate reordering, yet a dropped
 * or doubled product (an error of order |a·b|, not u·k·|a·b|) fails it.
 */
class GemmParityTest {
    private static final int SAVED_THREADS = Kernels.threads();

    @AfterEach
    void restoreThreads() {
        Kernels.setThreads(SAVED_THREADS);
    }

    static List<String> backends() {
        return Kernels.available();
    }

    /** Shapes mixing tile-edge sizes; each is run for every transpose combo. */
    static Stream<Arguments> cases() {
        int[][] shapes = {
                {1, 1, 1}, {1, 17, 3}, {3, 7, 1}, {7, 15, 16}, {16, 16, 16}, {17, 31, 15},
                {31, 100, 17}, {100, 3, 257}, {257, 17, 31}, {15, 257, 100}, {1, 1000, 31},
                {1000, 16, 7}, {3, 31, 1000}, {33, 300, 65}, {100, 257, 100}, {2, 100, 3}, {5, 7, 3},
        };
        List<Arguments> out = new ArrayList<>();
        for (String backend : backends()) {
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) out.add(Arguments.of(backend, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} m={1} k={2} n={3} tA={4} tB={5}")
    @MethodSource("cases")
    void matchesReference(String backend, int m, int k, int n, boolean tA, boolean tB) {
        Gemm g = Kernels.backend(backend);
        long seed = 31L * m + 7L * k + n + (tA ? 1000 : 0) + (tB ? 2000 : 0);
        for (int threads : new int[]{1, 2}) {
            Kernels.setThreads(threads);
            check(g, new SplittableRandom(seed), m, k, n, tA, tB, 1f, 0f, 0, 0);
            check(g, new SplittableRandom(seed + 1), m, k, n, tA, tB, -0.75f, 0.5f, 5, 3);
        }
    }

    /** A larger shape that crosses the K, M and N cache blocks and the parallel split. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void crossesCacheBlocks(String backend) {
        Gemm g = Kernels.backend(backend);
        Kernels.setThreads(2);
        check(g, new SplittableRandom(5), 150, 600, 1600, false, false, 1f, 0f, 0, 0);
        check(g, new SplittableRandom(6), 150, 600, 1600, true, true, 2f, 1f, 2, 1);
        // K × N over 2M floats: the threads of java-vector share B in more than one column block
        check(g, new SplittableRandom(7), 100, 700, 3100, false, true, 1f, 0.5f, 1, 3);
    }

    /**
     * Shapes that cross java-vector's blocking boundaries: k above its k block (so later blocks
     * accumulate onto the first with beta = 1), and packed A or B larger than one packing pass.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void crossesKBlocksAndPackingPasses(String backend) {
        Gemm g = Kernels.backend(backend);
        for (int threads : new int[]{1, 2}) {
            Kernels.setThreads(threads);
            for (int t = 0; t < 4; t++) {
                boolean tA = (t & 1) != 0, tB = (t & 2) != 0;
                check(g, new SplittableRandom(11 + t), 37, 1100, 70, tA, tB, 0.5f, -1.5f, 2, 3);
                check(g, new SplittableRandom(21 + t), 100, 700, 45, tA, tB, 1f, 0f, 0, 1);
            }
            check(g, new SplittableRandom(31), 4200, 512, 20, false, true, 1f, 0.25f, 1, 2);   // A: two row passes
            check(g, new SplittableRandom(32), 20, 512, 4200, true, false, -1f, 0f, 0, 0);     // B: two column passes
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void betaZeroOverwritesNaN(String backend) {
        Gemm g = Kernels.backend(backend);
        for (int threads : new int[]{1, 2}) {
            Kernels.setThreads(threads);
            for (int[] s : new int[][]{{1, 9, 40}, {40, 9, 1}, {37, 20, 70}, {50, 1100, 70}, {130, 600, 100}}) {
                int m = s[0], k = s[1], n = s[2];
                float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
                java.util.Arrays.fill(a, 1f);
                java.util.Arrays.fill(b, 2f);
                java.util.Arrays.fill(c, Float.NaN);
                g.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
                for (float v : c) assertEquals(2f * k, v, 0f, backend + " " + m + "x" + k + "x" + n);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void kZeroOrAlphaZeroScalesC(String backend) {
        Gemm g = Kernels.backend(backend);
        float[] c = {1, 2, 3, 4, 5, 6};
        g.sgemm(false, false, 2, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 3, 2f, c, 0, 3);
        assertArrayEquals(new float[]{2, 4, 6, 8, 10, 12}, c, 0f);
        float[] a = {Float.NaN, 1, 1, 1}, b = {1, 1, 1, 1, 1, 1};
        g.sgemm(false, false, 2, 3, 2, 0f, a, 0, 2, b, 0, 3, 0.5f, c, 0, 3);
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, c, 0f);
    }

    /** A hand-computed case, so the reference itself is pinned: [[1,2],[3,4]]·[[5,6],[7,8]]. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void handComputed(String backend) {
        Gemm g = Kernels.backend(backend);
        float[] c = new float[4];
        g.sgemm(false, false, 2, 2, 2, 1f, new float[]{1, 2, 3, 4}, 0, 2, new float[]{5, 6, 7, 8}, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[]{19, 22, 43, 50}, c, 0f);
        g.sgemm(true, false, 2, 2, 2, 1f, new float[]{1, 2, 3, 4}, 0, 2, new float[]{5, 6, 7, 8}, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[]{26, 30, 38, 44}, c, 0f);  // [[1,3],[2,4]]·B
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void rejectsOutOfBoundsArguments(String backend) {
        Gemm g = Kernels.backend(backend);
        float[] small = new float[5], ok = new float[6];
        var e = assertThrows(IllegalArgumentException.class,
                () -> g.sgemm(false, false, 2, 3, 3, 1f, small, 0, 3, new float[9], 0, 3, 0f, ok, 0, 3));
        assertTrue(e.getMessage().contains("A"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> g.sgemm(false, false, 2, 3, 3, 1f, ok, 0, 2, new float[9], 0, 3, 0f, ok, 0, 3));
        assertThrows(IllegalArgumentException.class,
                () -> g.sgemm(false, false, 2, 3, 3, 1f, ok, 0, 3, new float[9], 0, 3, 0f, ok, 1, 3));
    }

    @Test
    void openBlasLoadsWhereInstalled() {
        // CI installs libopenblas0-pthread; skip (visibly) only where the library is genuinely absent.
        Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/lib/x86_64-linux-gnu/libopenblas.so.0"))
                        || java.nio.file.Files.exists(java.nio.file.Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0")),
                "libopenblas.so.0 is not installed here: OpenBLAS parity tests skipped");
        assertTrue(Kernels.available().contains(Kernels.OPENBLAS), "libopenblas.so.0 is installed but did not load");
    }

    @Test
    void everyBackendIsCorrectWhenCalledFromInsideAParallelLoop() {
        // e.g. per-head attention GEMMs: OpenBLAS runs single-threaded on each calling thread
        int saved = Kernels.threads();
        Kernels.setThreads(2);
        try {
            for (String name : Kernels.available()) {
                Gemm g = Kernels.backend(name);
                Parallel.forRange(4, (from, to) -> {
                    assertTrue(Parallel.insideParallel() || to - from == 4);
                    SplittableRandom rnd = new SplittableRandom(31L + from);
                    for (int i = from; i < to; i++) check(g, rnd, 17 + i, 33, 15, i % 2 == 0, i % 3 == 0, 1f, 0f, 3, 2);
                });
            }
        } finally {
            Kernels.setThreads(saved);
        }
    }

    /**
     * Runs C = alpha·op(A)·op(B) + beta·C with every matrix embedded at offset {@code off} in an
     * array whose leading dimension is padded by {@code pad}, and compares against the reference.
     * Padding cells hold NaN, so a read outside the logical matrix poisons the result.
     */
    private static void check(Gemm g, SplittableRandom rnd, int m, int k, int n, boolean tA, boolean tB,
                              float alpha, float beta, int off, int pad) {
        int aRows = tA ? k : m, aCols = tA ? m : k, bRows = tB ? n : k, bCols = tB ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        float[] a = matrix(rnd, off, aRows, aCols, lda), b = matrix(rnd, off, bRows, bCols, ldb);
        float[] c = matrix(rnd, off, m, n, ldc);
        float[] c0 = c.clone();
        g.sgemm(tA, tB, m, n, k, alpha, a, off, lda, b, off, ldb, beta, c, off, ldc);
        double u = Math.ulp(1.0f) / 2, gamma = (k + 2) * u / (1 - (k + 2) * u);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0, mag = 0;
                for (int p = 0; p < k; p++) {
                    double av = tA ? a[off + p * lda + i] : a[off + i * lda + p];
                    double bv = tB ? b[off + j * ldb + p] : b[off + p * ldb + j];
                    dot += av * bv;
                    mag += Math.abs(av * bv);
                }
                double cOld = c0[off + i * ldc + j];
                double want = alpha * dot + (beta == 0 ? 0 : beta * cOld);
                double tol = 2 * gamma * (Math.abs(alpha) * mag + Math.abs(beta * cOld)) + 1e-30;
                double got = c[off + i * ldc + j];
                if (!(Math.abs(got - want) <= tol)) {
                    fail(String.format("%s m=%d k=%d n=%d tA=%b tB=%b alpha=%s beta=%s threads=%d: C[%d,%d] = %s, want %s (tol %.3g)",
                            g.name(), m, k, n, tA, tB, alpha, beta, Kernels.threads(), i, j, got, want, tol));
                }
            }
            for (int j = n; j < ldc; j++) {  // padding of C is never written
                assertTrue(Float.isNaN(c[off + i * ldc + j]), g.name() + ": wrote into the padding of C");
            }
        }
    }

    /** [rows, cols] random values at {@code off} with row stride ld; padding and the offset prefix are NaN. */
    private static float[] matrix(SplittableRandom rnd, int off, int rows, int cols, int ld) {
        float[] x = new float[off + Math.max(0, rows - 1) * ld + cols + 3];
        java.util.Arrays.fill(x, Float.NaN);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) x[off + r * ld + j] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}
