package dev.loupe.tensor;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one worker pool for row-parallel kernels (GEMM, the transformer engine, SAE training).
 *
 * <p>{@link #forRange} splits {@code [0, n)} into at most {@link Kernels#threads()} contiguous chunks,
 * hands all but the last to the pool and runs the last on the calling thread, then waits for all.
 * There is no nested parallelism: a call made while a {@code forRange} body is running (on a pool
 * thread or on the caller) runs the whole range sequentially on the current thread, so kernels can
 * call each other freely without oversubscribing the cores.
 *
 * <p>Not a general task scheduler: no work stealing, no futures exposed. The pool is rebuilt lazily
 * when {@link Kernels#setThreads} has changed the thread count; its threads are daemons.
 */
public final class Parallel {
    /** A body over a half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface IntRangeBody {
        void run(int from, int to);
    }

    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static ExecutorService pool;
    private static int poolSize;

    private Parallel() {}

    /** True on a thread that is running a {@code forRange} body, where further loops run sequentially. */
    public static boolean insideParallel() { return INSIDE.get(); }

    /** Runs {@code body} over [0, n) split across {@link Kernels#threads()} threads. */
    public static void forRange(int n, IntRangeBody body) {
        forRange(n, 1, body);
    }

    /**
     * Like {@link #forRange(int, IntRangeBody)} but never gives a thread fewer than {@code grain}
     * indices (so small ranges stay on the caller), and chunk boundaries other than n are multiples
     * of {@code grain} (kernels use it to keep chunks aligned to their register tiles).
     */
    public static void forRange(int n, int grain, IntRangeBody body) {
        if (n <= 0) return;
        if (grain < 1) throw new IllegalArgumentException("grain must be >= 1, got " + grain);
        int threads = Kernels.threads();
        int units = (n + grain - 1) / grain;
        int chunks = Math.min(threads, units);
        if (chunks <= 1 || INSIDE.get()) {
            body.run(0, n);
            return;
        }
        ExecutorService ex = pool(threads);
        Future<?>[] futures = new Future<?>[chunks - 1];
        for (int t = 0; t < chunks - 1; t++) {
            int from = bound(t, chunks, units, grain, n), to = bound(t + 1, chunks, units, grain, n);
            futures[t] = ex.submit(() -> runInside(body, from, to));
        }
        Throwable failure = null;
        try {
            runInside(body, bound(chunks - 1, chunks, units, grain, n), n);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new IllegalStateException("parallel body failed", failure);
    }

    /** Start of chunk t when `units` grain-sized units are dealt as evenly as possible to `chunks`. */
    private static int bound(int t, int chunks, int units, int grain, int n) {
        long u = (long) units * t / chunks;
        return (int) Math.min(n, u * grain);
    }

    private static void runInside(IntRangeBody body, int from, int to) {
        INSIDE.set(Boolean.TRUE);
        try {
            body.run(from, to);
        } finally {
            INSIDE.set(Boolean.FALSE);
        }
    }

    private static synchronized ExecutorService pool(int threads) {
        if (pool == null || poolSize != threads) {
            if (pool != null) pool.shutdown();  // running tasks finish; idle threads exit
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "loupe-kernel");
                t.setDaemon(true);
                return t;
            });
            poolSize = threads;
        }
        return pool;
    }
}
