package dev.loupe.sae.train;

import dev.loupe.util.ConfigException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.function.Consumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains one or more SAEs from one activation stream: every run consumes the same batches (so a sweep
 * over α × R costs one harvest), each with its own weights, optimiser and RNG. Before the first step the
 * trainer estimates the input scale (expected_average_only_in: E‖x‖ = √d_in) and initialises b_dec to the
 * geometric median of a sample, both from the head of the stream; with a checkpoint present it instead
 * restores every run and seeks the source, so resumed training is bit-identical to uninterrupted training
 * (same seed and thread count). Not here: harvesting, LM code, SAELens export.
 */
public final class SaeTrainer {
    /**
     * @param progress   receives progress lines (null: nowhere)
     * @param stopAtStep stop after this many steps even if totalSteps is larger (-1: run to the end), for
     *                   simulating an interruption
     * @param resume     continue from existing checkpoints when present
     */
    public record Options(Consumer<String> progress, long stopAtStep, boolean resume) {
        public static Options quiet() { return new Options(null, -1, true); }
        public static Options to(PrintStream out) { return new Options(out::println, -1, true); }
        public static Options to(PrintWriter out) { return new Options(line -> { out.println(line); out.flush(); }, -1, true); }
    }

    private SaeTrainer() {}

    public static TrainRun train(TrainSaeConfig cfg, ActivationSource src, Options opt) {
        return train(List.of(cfg), src, opt).get(0);
    }

    public static List<TrainRun> train(List<TrainSaeConfig> cfgs, ActivationSource src, Options opt) {
        if (cfgs.isEmpty()) throw new ConfigException("no SAE configs to train");
        TrainSaeConfig first = cfgs.get(0);
        for (TrainSaeConfig c : cfgs) {
            if (c.dIn() != src.dIn()) throw new ConfigException("run '" + c.name() + "' has dIn " + c.dIn() + " but the activations have width " + src.dIn());
            if (c.batchSize() != first.batchSize() || c.totalSteps() != first.totalSteps())
                throw new ConfigException("runs sharing one stream need the same batchSize and totalSteps; '" + c.name() + "' differs from '" + first.name() + "'");
            if (cfgs.stream().filter(o -> o.name().equals(c.name())).count() > 1)
                throw new ConfigException("two runs are named '" + c.name() + "'; give each run a unique name");
        }
        List<TrainRun> runs = new ArrayList<>();
        for (TrainSaeConfig c : cfgs) runs.add(new TrainRun(c));
        int n = first.batchSize(), d = src.dIn();
        float[] batch = new float[n * d];

        boolean resumed = opt.resume() && runs.stream().allMatch(r -> Checkpoints.exists(r.cfg));
        if (resumed) {
            long pos = -1;
            for (TrainRun r : runs) {
                long p = Checkpoints.load(r);
                if (pos >= 0 && p != pos) throw new ConfigException("checkpoints of the runs in " + first.checkpointDir() + " are at different stream positions; resume them separately");
                pos = p;
            }
            src.seek(pos);
            say(opt, "resumed at step " + runs.get(0).step + " (stream row " + pos + ")");
        } else {
            initialise(runs, src, batch, n, d);
        }

        long end = first.totalSteps();
        if (opt.stopAtStep() >= 0) end = Math.min(end, opt.stopAtStep());
        for (long step = runs.get(0).step; step < end; step++) {
            int got = src.next(batch, n);
            if (got < n) { say(opt, "activation source ended after " + src.position() + " rows; stopping at step " + step); break; }
            for (TrainRun r : runs) r.train(batch, n);
            long done = step + 1;
            for (TrainRun r : runs) {
                if (r.cfg.checkpointEvery() > 0 && done % r.cfg.checkpointEvery() == 0) Checkpoints.save(r, src.position());
                if (r.cfg.logEvery() > 0 && (done % r.cfg.logEvery() == 0 || done == first.totalSteps())) say(opt, progressLine(r));
            }
        }
        return runs;
    }

    /** Input scale and b_dec geometric median from the head of the stream (rows consumed, not re-used). */
    private static void initialise(List<TrainRun> runs, ActivationSource src, float[] batch, int n, int d) {
        int sampleBatches = 0, medianRows = 0;
        for (TrainRun r : runs) {
            if (r.cfg.normalizeActivations().equals("expected_average_only_in")) sampleBatches = Math.max(sampleBatches, r.cfg.normSampleBatches());
            medianRows = Math.max(medianRows, r.cfg.geometricMedianSamples());
        }
        int rowsWanted = Math.max(sampleBatches * n, medianRows);
        if (rowsWanted == 0) return;
        float[] sample = new float[rowsWanted * d];
        int have = 0;
        while (have < rowsWanted) {
            int got = src.next(batch, Math.min(n, rowsWanted - have));
            if (got == 0) break;
            System.arraycopy(batch, 0, sample, have * d, got * d);
            have += got;
        }
        if (have == 0) throw new ConfigException("the activation source is empty; nothing to train on");
        double meanNorm = 0;
        for (int b = 0; b < have; b++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) sample[b * d + j] * sample[b * d + j];
            meanNorm += Math.sqrt(s);
        }
        meanNorm /= have;
        for (TrainRun r : runs) {
            if (r.cfg.normalizeActivations().equals("expected_average_only_in") && meanNorm > 0)
                r.inputScale = (float) (Math.sqrt(d) / meanNorm);
            int m = Math.min(have, r.cfg.geometricMedianSamples());
            if (m > 0) {
                float[] xs = java.util.Arrays.copyOf(sample, m * d);
                for (int i = 0; i < xs.length; i++) xs[i] *= r.inputScale;
                System.arraycopy(GeometricMedian.of(xs, m, d, 100, 1e-6), 0, r.sae.bDec(), 0, d);
            }
        }
    }

    static String progressLine(TrainRun r) {
        var s = r.last;
        return String.format(Locale.ROOT, "[%s] step %d/%d loss %.5g mse %.5g L0 %.2f FVU %.4f dead %.1f%% lr %.2e",
                r.cfg.name(), r.step, r.cfg.totalSteps(), s.loss(), s.mse(), s.l0(), r.lastFvu,
                100 * r.deadFraction(), r.cfg.lrAt(r.step - 1));
    }

    private static void say(Options opt, String line) {
        if (opt.progress() != null) opt.progress().accept(line);
    }
}
