package dev.loupe.interp;

import dev.loupe.interp.builtin.RuleSimulator;
import dev.loupe.interp.builtin.StatisticalExplainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Offline auto-interp throughput (acceptance: 4096 features explained and scored in under 60 s on 2
 * cores) for {@code loupe bench interp} and the JMH {@code InterpBuiltinBench}: the built-in
 * explainer and rule simulator over synthetic features of realistic size — 40 top and 40 random
 * 64-token excerpts each (a planted trigger token plus sparse background activity), default splits.
 * The same run measures the single-thread rate as the ceiling for the multi-threaded time.
 */
public final class InterpBenchmark {
    private InterpBenchmark() {}

    /**
     * @param idealSeconds the single-thread rate scaled to {@code features} and divided by {@code threads}
     * @param cpuSeconds   process CPU time of the timed run (all threads, GC and JIT included): on a
     *                     shared machine, {@code cpuSeconds / threads} estimates the wall time on
     *                     {@code threads} dedicated cores
     */
    public record Result(int features, int threads, double seconds, double idealSeconds, double cpuSeconds, int done) {
        @Override public String toString() {
            return String.format(Locale.ROOT, "%d features on %d threads: explained and scored in %.2f s wall (%.0f features/s, %.0f%% of the 60 s budget); "
                            + "CPU %.2f s (%.2f s per thread); perfect scaling of this run's 1-thread rate: %.2f s (%.0f%% parallel efficiency); %d scored",
                    features, threads, seconds, features / seconds, 100 * seconds / 60, cpuSeconds, cpuSeconds / threads, idealSeconds,
                    100 * idealSeconds / seconds, done);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** {@code n} synthetic features (ids 0..n−1), deterministic for a seed. */
    public static List<FeatureRecords> synthetic(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<FeatureRecords> data = new ArrayList<>(n);
        for (int f = 0; f < n; f++) {
            String trigger = " w" + rng.nextInt(5000);
            List<ActivationRecord> top = new ArrayList<>(), random = new ArrayList<>();
            for (int k = 0; k < 40; k++) {
                for (List<ActivationRecord> into : List.of(top, random)) {
                    String[] t = new String[Excerpts.DEFAULT_LENGTH];
                    float[] a = new float[t.length];
                    for (int i = 0; i < t.length; i++) {
                        t[i] = " w" + rng.nextInt(200);
                        if (rng.nextDouble() < 0.02) a[i] = (float) rng.nextDouble();
                    }
                    if (into == top) {
                        int p = rng.nextInt(t.length);
                        t[p] = trigger;
                        a[p] = 5 + (float) rng.nextDouble();
                    }
                    into.add(new ActivationRecord(t, a));
                }
            }
            data.add(new FeatureRecords(f, top, random));
        }
        return data;
    }

    /**
     * The built-in pipeline over synthetic data, after one warm-up on {@code min(n, 256)} features.
     * The same run times {@code min(n, 512)} features on one thread: scaled to n features and divided by
     * the thread count, that is the perfect-scaling ceiling the multi-threaded time is compared with.
     */
    public static Result run(int features, int threads, long seed) {
        List<FeatureRecords> data = synthetic(features, seed);
        AutoInterp ai = new AutoInterp(new StatisticalExplainer(), RuleSimulator.factory(), SplitConfig.defaults());
        ai.runAll(data.subList(0, Math.min(features, 256)), threads);
        List<FeatureRecords> sample = data.subList(0, Math.min(features, 512));
        long t0 = System.nanoTime();
        ai.runAll(sample, 1);
        double ideal = (System.nanoTime() - t0) / 1e9 * features / sample.size() / threads;
        long t1 = System.nanoTime(), c1 = processCpuNanos();
        List<FeatureResult> results = ai.runAll(data, threads);
        double seconds = (System.nanoTime() - t1) / 1e9, cpu = (processCpuNanos() - c1) / 1e9;
        int done = (int) results.stream().filter(r -> r.status() == FeatureResult.Status.DONE).count();
        return new Result(features, threads, seconds, ideal, cpu, done);
    }
}
