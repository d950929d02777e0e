package dev.loupe.lm;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The benchmark's warm-up: a minimum of steps, then until the JIT has been quiet for {@link TrainThroughput#QUIET_STEPS} steps. */
class TrainThroughputWarmUpTest {
    @Test
    void stopsAfterTheJitHasBeenQuietForTheQuietSteps() {
        AtomicInteger steps = new AtomicInteger();
        // the JIT compiles during the first 37 steps (the clock reads after each step: 1, 2, ..., 37, then stays)
        int done = TrainThroughput.warmUp(5, () -> Math.min(steps.get(), 37), steps::incrementAndGet);
        assertEquals(37 + TrainThroughput.QUIET_STEPS, done);
        assertEquals(done, steps.get());
    }

    @Test
    void runsAtLeastTheMinimumEvenWhenTheJitIsQuiet() {
        AtomicInteger steps = new AtomicInteger();
        assertEquals(25, TrainThroughput.warmUp(25, () -> 7, steps::incrementAndGet));
        assertEquals(TrainThroughput.QUIET_STEPS, TrainThroughput.warmUp(0, () -> 7, () -> { }));
    }

    @Test
    void aJitThatNeverSettlesStopsAtTheCap() {
        AtomicInteger steps = new AtomicInteger();
        assertEquals(TrainThroughput.MAX_WARMUP, TrainThroughput.warmUp(1, steps::get, steps::incrementAndGet));
    }

    @Test
    void withoutACompilationClockOnlyTheMinimumRuns() {
        AtomicInteger steps = new AtomicInteger();
        assertEquals(3, TrainThroughput.warmUp(3, null, steps::incrementAndGet));
        assertEquals(3, steps.get());
    }
}
