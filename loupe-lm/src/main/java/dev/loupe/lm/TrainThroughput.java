package dev.loupe.lm;

import dev.loupe.tensor.GemmCeiling;
import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.TimedGemm;
import dev.loupe.util.ConfigException;
import dev.loupe.util.Rng;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Training throughput of a GPT-2 shape (default: loupe-1l: 1 layer, d_model 128, d_mlp 512, 4 heads,
 * context 128, vocab 4096, ReLU, batch 16) on random tokens: what one {@link LmTrainer} step does
 * (forward, backward, gradient norm, AdamW), in tokens/s and GFLOP/s ({@link Gpt2Config#trainingFlops})
 * as a fraction of the OpenBLAS ceiling ({@link GemmCeiling}) measured between the timed runs.
 *
 * <p>Method: warm-up steps until the JIT is done (below), then {@code runs} rounds of one ceiling measurement followed by
 * {@code stepsPerRun} timed steps; the median round is reported with the median ceiling, and the
 * forward-and-backward / optimizer split and the time inside each GEMM shape of that round (attention
 * with Vector API-sized heads runs in the fused {@link VectorAttention}, so it counts as non-GEMM
 * time). A measurement tool, not a test; CLI: {@code loupe bench train-lm}.
 *
 * <p>Warm-up: the GEMM timer is installed first (installing it later changes the receiver type at every
 * GEMM call site, and the deoptimised code is recompiled during the timed rounds), then at least
 * {@code warmup} steps and after them as many as it takes for {@value #QUIET_STEPS} steps in a row to pass
 * without JIT compilation (the JVM's {@code CompilationMXBean}), at most {@value #MAX_WARMUP} in all. On
 * 2 cores the C2 compiler threads compete with both workers: with a fixed 10-step warm-up, steps 30–50
 * of the process ran at 75–105 ms instead of 50 ms (docs/lm-trainer-performance.md), which is JIT
 * start-up, not training speed.
 */
public final class TrainThroughput {
    public record Options(int layers, int batch, int warmup, int runs, int stepsPerRun) {
        public Options {
            if (layers < 1 || batch < 1) throw new ConfigException("--layers and --batch must be >= 1");
            if (warmup < 0 || runs < 1 || stepsPerRun < 1) throw new ConfigException("--warmup must be >= 0, --runs and --steps >= 1");
        }
    }

    /** Per-step times of the median round (ms); {@code gemmByShape} maps "A·Bᵀ m×n×k" to ms per step. */
    public record Result(Options opt, Gpt2Config model, String backend, int threads, int shards, int warmupSteps, double msPerStep,
                         double forwardBackwardMs, double optimizerMs, double gemmMs,
                         Map<String, Double> gemmByShape, double flopsPerStep, double ceilingGflops) {
        public double tokensPerSecond() { return (double) opt.batch() * model.context() / msPerStep * 1e3; }
        public double gflops() { return flopsPerStep / msPerStep / 1e6; }
        public double fractionOfCeiling() { return gflops() / ceilingGflops; }

        public String toText() {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "backend %s, threads %d, data-parallel shards %d, warm-up %d steps; ceiling = OpenBLAS sgemm 2048³ in this run: %.1f GFLOP/s%n"
                            + "%d layer(s), d_model %d, batch %d×%d: %.0f tokens/s, %.1f GFLOP/s = %.1f%% of ceiling%n"
                            + "per step %.1f ms: forward and backward %.1f, optimizer %.1f; GEMM calls %.1f ms in all"
                            + " (single-threaded calls on different threads overlap, so this can exceed the step)%n",
                    backend, threads, shards, warmupSteps, ceilingGflops, model.layers(), model.dModel(), opt.batch(), model.context(),
                    tokensPerSecond(), gflops(), 100 * fractionOfCeiling(), msPerStep, forwardBackwardMs, optimizerMs,
                    gemmMs));
            gemmByShape.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                    .forEach(e -> s.append(String.format(Locale.ROOT, "  gemm %-26s %6.2f ms/step%n", e.getKey(), e.getValue())));
            return s.toString().stripTrailing();
        }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"layers\":%d,\"d_model\":%d,\"batch\":%d,\"context\":%d,\"backend\":\"%s\",\"threads\":%d,\"shards\":%d,\"warmup_steps\":%d,"
                            + "\"ms_per_step\":%.3f,\"forward_backward_ms\":%.3f,\"optimizer_ms\":%.3f,\"gemm_ms\":%.3f,"
                            + "\"tokens_per_s\":%.1f,\"gflops\":%.4g,\"ceiling_gflops\":%.4g,\"fraction_of_ceiling\":%.4g}",
                    model.layers(), model.dModel(), opt.batch(), model.context(), backend, threads, shards, warmupSteps, msPerStep, forwardBackwardMs,
                    optimizerMs, gemmMs, tokensPerSecond(), gflops(), ceilingGflops, fractionOfCeiling());
        }
    }

    /** Steps in a row without JIT compilation that end the warm-up. */
    static final int QUIET_STEPS = 10;
    /** The warm-up never runs more steps than this (a JIT that never settles still gets measured). */
    static final int MAX_WARMUP = 300;

    private TrainThroughput() {}

    /** The loupe-1l shape with the given layer count. */
    public static Gpt2Config loupe1lShape(int layers) {
        return new Gpt2Config(4096, 128, layers, 128, 4, 512, Gpt2Config.Activation.RELU, 1e-5f);
    }

    public static Result run(Options o) {
        Gpt2Config cfg = loupe1lShape(o.layers());
        int t = cfg.context(), b = o.batch();
        Gpt2 model = new Gpt2(cfg);
        model.initialize(new Rng(1));
        AdamW adam = new AdamW(model.layout());
        Rng rng = new Rng(2);
        int[] in = new int[b * t], tg = new int[b * t];
        for (int i = 0; i < in.length; i++) { in[i] = (int) rng.nextLong(cfg.vocabSize()); tg[i] = (int) rng.nextLong(cfg.vocabSize()); }
        GemmCeiling ceiling = new GemmCeiling();
        long[] step = {0};
        double[] split = new double[2];
        int runs = o.runs();
        double[] ceil = new double[runs], total = new double[runs], gemm = new double[runs];
        double[][] parts = new double[runs][2];
        java.util.List<Map<String, Double>> shapes = new java.util.ArrayList<>();
        int warmupSteps;
        try (TimedGemm timed = TimedGemm.install()) {
            warmupSteps = warmUp(o.warmup(), () -> step(model, adam, in, tg, b, t, ++step[0], split));
            for (int r = 0; r < runs; r++) {
                ceil[r] = ceiling.measure();
                timed.reset();
                Arrays.fill(split, 0);
                for (int i = 0; i < o.stepsPerRun(); i++) step(model, adam, in, tg, b, t, ++step[0], split);
                for (int p = 0; p < 2; p++) parts[r][p] = split[p] / o.stepsPerRun();
                total[r] = (split[0] + split[1]) / o.stepsPerRun();
                gemm[r] = timed.nanos() / 1e6 / o.stepsPerRun();
                Map<String, Double> byShape = new LinkedHashMap<>();
                timed.byShape().forEach((k, v) -> byShape.put(k, v.nanos() / 1e6 / o.stepsPerRun()));
                shapes.add(byShape);
            }
        }
        Integer[] order = new Integer[runs];
        for (int i = 0; i < runs; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(total[x], total[y]));
        int m = order[runs / 2];
        double[] c = ceil.clone();
        Arrays.sort(c);
        return new Result(o, cfg, Kernels.gemm().name(), Kernels.threads(), model.shards(), warmupSteps, total[m], parts[m][0], parts[m][1],
                gemm[m], shapes.get(m), cfg.trainingFlops(b, t), c[runs / 2]);
    }

    /**
     * Runs {@code step} at least {@code minSteps} times, then until {@value #QUIET_STEPS} runs in a row added
     * no JIT compilation time (where the JVM reports it), at most {@value #MAX_WARMUP} runs; returns the count.
     */
    static int warmUp(int minSteps, Runnable step) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean monitored = jit != null && jit.isCompilationTimeMonitoringSupported();
        return warmUp(minSteps, monitored ? jit::getTotalCompilationTime : null, step);
    }

    /** {@link #warmUp(int, Runnable)} with the JIT's total compilation time from {@code compileMillis} (null: not known, minSteps only). */
    static int warmUp(int minSteps, LongSupplier compileMillis, Runnable step) {
        long last = compileMillis != null ? compileMillis.getAsLong() : 0;
        int done = 0, quiet = 0;
        while (done < MAX_WARMUP && (done < minSteps || (compileMillis != null && quiet < QUIET_STEPS))) {
            step.run();
            done++;
            if (compileMillis != null) {
                long now = compileMillis.getAsLong();
                quiet = now == last ? quiet + 1 : 0;
                last = now;
            }
        }
        return done;
    }

    /** One trainer step (as {@link LmTrainer#run}, without data sampling); adds forward-and-backward / optimizer ms into split. */
    private static void step(Gpt2 model, AdamW adam, int[] in, int[] tg, int b, int t, long stepNo, double[] split) {
        long t0 = System.nanoTime();
        model.forwardBackward(in, tg, b, t);
        long t2 = System.nanoTime();
        AdamW.globalNorm(model.grads());
        adam.step(model.params(), model.grads(), 1f, 1e-3, 0.9, 0.95, 1e-8, 0.1, stepNo);
        long t3 = System.nanoTime();
        split[0] += (t2 - t0) / 1e6;
        split[1] += (t3 - t2) / 1e6;
    }
}
