package dev.loupe.activations;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Kernels;
import dev.loupe.util.ConfigException;
import dev.loupe.util.Rng;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Harvest throughput against its ceilings, measured in one run: tokens/s of {@link Harvester#harvest}
 * (forward to the hook's block, exclusion, f32 shard writing) over seeded random windows, the forward
 * pass over the same windows stopped at the same block ({@link Transformer#residualAfter}, the fair
 * ceiling) and the full forward with logits; and memory flatness: the largest post-GC heap seen
 * after each shard when harvesting {@code tokens} and 4 × {@code tokens}. For {@code loupe bench
 * harvest}; timings are never asserted in tests.
 */
public final class HarvestBenchmark {
    private HarvestBenchmark() {}

    public record Result(String model, String hook, int batch, int seq, long tokens, double harvestTokensPerSecond,
                         double stoppedForwardTokensPerSecond, double fullForwardTokensPerSecond,
                         long peakHeapBytes, long peakHeapBytes4x, String backend, int threads) {
        @Override public String toString() {
            return String.format(Locale.ROOT, """
                    %s %s, batch %d × seq %d, %d tokens (%s, %d threads)
                    harvest        %.0f tokens/s  (%.0f%% of the forward stopped at the hook's block, %.0f%% of the full forward)
                    forward (stop) %.0f tokens/s
                    forward (full) %.0f tokens/s
                    peak heap after GC: %.1f MiB harvesting %d tokens, %.1f MiB harvesting %d tokens""",
                    model, hook, batch, seq, tokens, backend, threads, harvestTokensPerSecond,
                    100 * harvestTokensPerSecond / stoppedForwardTokensPerSecond, 100 * harvestTokensPerSecond / fullForwardTokensPerSecond,
                    stoppedForwardTokensPerSecond, fullForwardTokensPerSecond,
                    peakHeapBytes / 1048576.0, tokens, peakHeapBytes4x / 1048576.0, 4 * tokens);
        }
    }

    public static Result run(Transformer model, String hook, int batch, int seq, long tokens, Path scratch) {
        if (!model.hookNames().contains(hook)) throw new ConfigException("model " + model.config().name() + " has no hook '" + hook + "'");
        if (seq < 2 || seq > model.config().nCtx()) throw new ConfigException("seq must be in [2, " + model.config().nCtx() + "], got " + seq);
        if (tokens < (long) batch * seq) throw new ConfigException("--tokens must cover at least one batch (" + (long) batch * seq + ")");
        int layer = hook.startsWith("blocks.") ? Integer.parseInt(hook.split("\\.")[1]) : model.config().nLayers() - 1;
        int[][] warm = windows(batch, seq, model.config().vocab(), 99);
        model.runWithCache(warm, List.of(hook));
        model.forward(warm);

        int nBatches = (int) (tokens / ((long) batch * seq));
        long t0 = System.nanoTime();
        for (int b = 0; b < nBatches; b++) model.residualAfter(windows(batch, seq, model.config().vocab(), b), layer);
        double stopped = (double) nBatches * batch * seq / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        for (int b = 0; b < nBatches; b++) model.forward(windows(batch, seq, model.config().vocab(), b));
        double full = (double) nBatches * batch * seq / ((System.nanoTime() - t0) / 1e9);

        HarvestOptions opts = HarvestOptions.defaults().withBatchSize(batch).withRowsPerShard(16 * batch * seq);
        long[] peak = new long[2];
        double harvest = 0;
        for (int i = 0; i < 2; i++) {
            long n = (long) nBatches * batch * seq * (i == 0 ? 1 : 4);
            Path dir = scratch.resolve("harvest-" + i);
            long[] p = {0};
            PrintStream gcEachShard = new PrintStream(OutputStream.nullOutputStream()) {
                @Override public void println(String x) { p[0] = Math.max(p[0], heapAfterGc()); }
            };
            t0 = System.nanoTime();
            Harvester.harvest(model, List.of(hook), randomWindows(seq, model.config().vocab()), n, opts, dir, i == 0 ? null : gcEachShard);
            if (i == 0) harvest = n / ((System.nanoTime() - t0) / 1e9);
            // the small run's peak is measured on a second, monitored pass so its timing is not slowed by GCs
            if (i == 0) {
                delete(dir);
                Harvester.harvest(model, List.of(hook), randomWindows(seq, model.config().vocab()), n, opts, dir, gcEachShard);
            }
            peak[i] = p[0];
            delete(dir);
        }
        return new Result(model.config().name(), hook, batch, seq, (long) nBatches * batch * seq, harvest, stopped, full,
                peak[0], peak[1], Kernels.gemm().name(), Kernels.threads());
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Seeded random windows (id 0 first, as a BOS), endless. */
    private static Iterator<TokenWindows.Window> randomWindows(int seq, int vocab) {
        return new Iterator<>() {
            int i;
            public boolean hasNext() { return true; }
            public TokenWindows.Window next() { return new TokenWindows.Window(windows(1, seq, vocab, 1_000_000 + i)[0], i++, 0); }
        };
    }

    private static int[][] windows(int batch, int seq, int vocab, long seed) {
        Rng r = new Rng(Rng.mix(7, seed));
        int[][] w = new int[batch][seq];
        for (int[] row : w) for (int i = 1; i < seq; i++) row[i] = 1 + r.nextInt(vocab - 1);
        return w;
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new ConfigException("cannot clean up " + dir + ": " + e.getMessage());
        }
    }
}
