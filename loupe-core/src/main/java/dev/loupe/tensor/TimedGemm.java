package dev.loupe.tensor;

import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Gemm} decorator for benchmarks that says where training time goes: it forwards every call to
 * the wrapped backend and adds up calls and wall time, in total and per call shape
 * ("A·Bᵀ m×n×k"). Install it with {@link #install()} around the code to measure and put the
 * original back with {@link #close()}. Calls made concurrently from a parallel region (per-head attention)
 * are each counted, so their times add up thread time, not wall time. Not a profiler.
 */
public final class TimedGemm implements Gemm, AutoCloseable {
    /** Calls and nanoseconds of one call shape. */
    public static final class Tally {
        long calls, nanos;
        double flops;
        public long calls() { return calls; }
        public synchronized long nanos() { return nanos; }
        public double flops() { return flops; }
    }

    private final Gemm inner;
    private final Map<String, Tally> byShape = new TreeMap<>();
    private long nanos;

    private TimedGemm(Gemm inner) { this.inner = inner; }

    /** Wraps the current {@link Kernels#gemm()} and makes the wrapper the process backend. */
    public static TimedGemm install() {
        TimedGemm t = new TimedGemm(Kernels.gemm());
        Kernels.setGemm(t);
        return t;
    }

    /** Puts the wrapped backend back. */
    @Override public void close() { Kernels.setGemm(inner); }

    @Override public String name() { return inner.name(); }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        long t0 = System.nanoTime();
        inner.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        long dt = System.nanoTime() - t0;
        String shape = (transA ? "Aᵀ" : "A") + "·" + (transB ? "Bᵀ" : "B") + " " + m + "×" + n + "×" + k;
        synchronized (this) {
            nanos += dt;
            Tally e = byShape.computeIfAbsent(shape, key -> new Tally());
            e.calls++;
            e.nanos += dt;
            e.flops += 2.0 * m * n * k;
        }
    }

    /** Total time inside GEMM since {@link #reset()}. */
    public synchronized long nanos() { return nanos; }

    /** Per-shape tallies, keyed "A·Bᵀ m×n×k". */
    public synchronized Map<String, Tally> byShape() { return new TreeMap<>(byShape); }

    public synchronized void reset() {
        nanos = 0;
        byShape.clear();
    }
}
