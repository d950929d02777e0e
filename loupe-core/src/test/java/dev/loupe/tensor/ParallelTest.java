package dev.loupe.tensor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.*;

class ParallelTest {
    private static final int SAVED_THREADS = Kernels.threads();

    @AfterEach
    void restoreThreads() {
        Kernels.setThreads(SAVED_THREADS);
    }

    @Test
    void coversEveryIndexOnceInContiguousGrainAlignedChunks() {
        for (int threads : new int[]{1, 2, 3, 5}) {
            Kernels.setThreads(threads);
            for (int n : new int[]{1, 2, 7, 100, 1001}) {
                for (int grain : new int[]{1, 4, 12}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    Set<String> chunks = Collections.synchronizedSet(new HashSet<>());
                    Parallel.forRange(n, grain, (from, to) -> {
                        assertTrue(from < to, "empty chunk " + from);
                        assertTrue(from % grain == 0, "chunk start " + from + " not a multiple of " + grain);
                        chunks.add(from + ":" + to);
                        for (int i = from; i < to; i++) hits.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " n=" + n + " grain=" + grain);
                    int units = (n + grain - 1) / grain;
                    assertEquals(Math.min(threads, units), chunks.size(), "chunks for n=" + n + " grain=" + grain + " threads=" + threads);
                }
            }
        }
    }

    @Test
    void lastChunkRunsOnCallerAndOthersOnDaemonPoolThreads() {
        Kernels.setThreads(2);
        Thread caller = Thread.currentThread();
        Thread[] seen = new Thread[2];
        Parallel.forRange(2, (from, to) -> seen[from] = Thread.currentThread());
        assertSame(caller, seen[1]);
        assertNotSame(caller, seen[0]);
        assertTrue(seen[0].isDaemon());
    }

    @Test
    void nestedCallsRunSequentiallyOnTheCurrentThread() {
        Kernels.setThreads(2);
        AtomicIntegerArray nestedOnOtherThread = new AtomicIntegerArray(1);
        Parallel.forRange(2, (from, to) -> {
            Thread outer = Thread.currentThread();
            int[] calls = {0};
            Parallel.forRange(100, (f, t) -> {
                calls[0]++;
                assertEquals(0, f);
                assertEquals(100, t);
                if (Thread.currentThread() != outer) nestedOnOtherThread.incrementAndGet(0);
            });
            assertEquals(1, calls[0]);
        });
        assertEquals(0, nestedOnOtherThread.get(0));
    }

    @Test
    void exceptionsFromAnyChunkPropagateAndThePoolStaysUsable() {
        Kernels.setThreads(2);
        var e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(10, (from, to) -> {
            if (from == 0) throw new IllegalStateException("boom in first chunk");
        }));
        assertEquals("boom in first chunk", e.getMessage());
        AtomicIntegerArray hits = new AtomicIntegerArray(10);
        Parallel.forRange(10, (from, to) -> { for (int i = from; i < to; i++) hits.incrementAndGet(i); });
        for (int i = 0; i < 10; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void followsThreadCountChanges() {
        for (int threads : new int[]{3, 1, 4}) {
            Kernels.setThreads(threads);
            Set<Thread> used = Collections.synchronizedSet(new HashSet<>());
            Parallel.forRange(64, (from, to) -> used.add(Thread.currentThread()));
            assertEquals(threads, used.size());
        }
    }
}
