package dev.loupe.lm;

import dev.loupe.tensor.Kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Runs {@code body(i)} for i in [0, n) on a pool of {@link Kernels#threads()} workers. Callers only
 * use it where each index writes disjoint outputs, so results never depend on scheduling (the
 * trainer's determinism rests on this). Not nested: bodies must not call back into it or into a
 * multi-threaded GEMM.
 */
final class Parallel {
    private static ForkJoinPool pool;
    private static int poolThreads;

    private Parallel() {}

    static void range(int n, IntConsumer body) {
        int threads = Kernels.threads();
        if (threads == 1 || n <= 1) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        pool(threads).invoke(new Chunk(body, 0, n, Math.max(1, n / (threads * 4))));
    }

    private static synchronized ForkJoinPool pool(int threads) {
        if (pool == null || poolThreads != threads) {
            if (pool != null) pool.shutdown();
            pool = new ForkJoinPool(threads, p -> {
                var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                t.setDaemon(true);
                t.setName("loupe-lm-" + t.getPoolIndex());
                return t;
            }, null, false);
            poolThreads = threads;
        }
        return pool;
    }

    private static final class Chunk extends RecursiveAction {
        private final IntConsumer body;
        private final int from, to, grain;

        Chunk(IntConsumer body, int from, int to, int grain) {
            this.body = body; this.from = from; this.to = to; this.grain = grain;
        }

        @Override protected void compute() {
            if (to - from <= grain) {
                for (int i = from; i < to; i++) body.accept(i);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Chunk(body, from, mid, grain), new Chunk(body, mid, to, grain));
        }
    }
}
