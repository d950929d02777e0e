package dev.loupe.lm;

import java.util.function.IntConsumer;

/**
 * Per-index form of {@link dev.loupe.tensor.Parallel} for the trainer's loops: {@code body(i)} for i in
 * [0, n) on the one shared worker pool. Callers only use it where each index writes disjoint outputs,
 * so results never depend on scheduling (the trainer's determinism rests on this).
 */
final class Parallel {
    private Parallel() {}

    static void range(int n, IntConsumer body) {
        dev.loupe.tensor.Parallel.forRange(n, (from, to) -> { for (int i = from; i < to; i++) body.accept(i); });
    }
}
