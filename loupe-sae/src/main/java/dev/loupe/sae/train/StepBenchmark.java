package dev.loupe.sae.train;

import dev.loupe.tensor.GemmCeiling;
import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.TimedGemm;
import dev.loupe.util.ConfigException;
import dev.loupe.util.Rng;

import java.util.Arrays;
import java.util.Locale;

/**
 * Times SAE training steps — the benchmark: standard d_in 512 × d_sae 16384 at batch 4096 against
 * the OpenBLAS ceiling, and topk (k = 32) at the same size, whose step should take at most half the
 * standard one. A step is everything {@link TrainRun#train} does: forward, loss, backward, NaN check,
 * decoder-gradient projection, Adam on all parameters, decoder renormalisation, dead-feature bookkeeping.
 *
 * <p>Method: warm-up steps (JIT, workspace allocation), then {@code runs} rounds of one ceiling
 * measurement ({@link GemmCeiling}) followed by one timed step; medians of both are reported, so a
 * loaded machine slows the ceiling and the step alike. FLOPs per step: standard (untied) 10·n·d_in·d_sae
 * (five GEMMs); topk 2·n·d_in·d_sae (the dense encoder) + 8·n·k·d_in (sparse decode, its two backward
 * products and the encoder-weight gradient). The time inside GEMM is reported too. Not JMH; CLI:
 * {@code loupe bench sae}.
 */
public final class StepBenchmark {
    /** What to measure. */
    public record Options(String architecture, int dIn, int dSae, int batch, int k, int warmup, int runs) {
        public Options {
            if (!architecture.equals("standard") && !architecture.equals("topk"))
                throw new ConfigException("--arch must be standard, topk or both, got '" + architecture + "'");
            if (dIn < 1 || dSae < 1 || batch < 1) throw new ConfigException("d_in, d_sae and batch must be >= 1");
            if (architecture.equals("topk") && (k < 1 || k > dSae)) throw new ConfigException("--k must be in [1, d_sae], got " + k);
            if (warmup < 0 || runs < 1) throw new ConfigException("--warmup must be >= 0 and --runs >= 1");
            if ((long) batch * dSae > Integer.MAX_VALUE) throw new ConfigException("batch × d_sae must stay below 2^31 entries");
        }
    }

    /** Medians over the runs; {@code gemmMs} is the GEMM share of the median step. */
    public record Result(Options opt, String backend, int threads, double msPerStep, double gemmMs,
                         double flopsPerStep, double ceilingGflops) {
        public double gflops() { return flopsPerStep / msPerStep / 1e6; }
        public double fractionOfCeiling() { return gflops() / ceilingGflops; }

        public String toText() {
            return String.format(Locale.ROOT, "%-8s d_in %d d_sae %d batch %d%s: %.1f ms/step (GEMM %.1f ms, other %.1f ms), "
                            + "%.1f GFLOP/s = %.1f%% of the %.1f GFLOP/s ceiling",
                    opt.architecture(), opt.dIn(), opt.dSae(), opt.batch(), opt.architecture().equals("topk") ? " k " + opt.k() : "",
                    msPerStep, gemmMs, msPerStep - gemmMs, gflops(), 100 * fractionOfCeiling(), ceilingGflops);
        }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"arch\":\"%s\",\"d_in\":%d,\"d_sae\":%d,\"batch\":%d,\"k\":%d,\"backend\":\"%s\",\"threads\":%d,"
                            + "\"ms_per_step\":%.2f,\"gemm_ms_per_step\":%.2f,\"flops_per_step\":%.0f,\"gflops\":%.4g,\"ceiling_gflops\":%.4g,\"fraction_of_ceiling\":%.4g}",
                    opt.architecture(), opt.dIn(), opt.dSae(), opt.batch(), opt.architecture().equals("topk") ? opt.k() : 0, backend, threads,
                    msPerStep, gemmMs, flopsPerStep, gflops(), ceilingGflops, fractionOfCeiling());
        }
    }

    private StepBenchmark() {}

    public static Result run(Options o) {
        TrainSaeConfig cfg = TrainSaeConfig.defaults(o.architecture(), o.dIn(), o.dSae())
                .with("batchSize", o.batch()).with("k", o.architecture().equals("topk") ? o.k() : 0).with("logEvery", 0);
        TrainRun run = new TrainRun(cfg);
        Rng rng = new Rng(1);
        float[] x = new float[o.batch() * o.dIn()];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        GemmCeiling ceiling = new GemmCeiling();
        // A previous run's hundreds of MB of workspaces are garbage now; collect them here rather than in
        // a timed step (measured: a topk step after a standard run took 6x longer in GC-heavy steps).
        System.gc();
        for (int w = 0; w < o.warmup(); w++) run.train(x, o.batch());
        double[] ms = new double[o.runs()], gemm = new double[o.runs()], ceil = new double[o.runs()];
        try (TimedGemm timed = TimedGemm.install()) {
            for (int r = 0; r < o.runs(); r++) {
                ceil[r] = ceiling.measure();
                timed.reset();
                long t0 = System.nanoTime();
                run.train(x, o.batch());
                ms[r] = (System.nanoTime() - t0) / 1e6;
                gemm[r] = timed.nanos() / 1e6;
            }
        }
        double n = o.batch(), d = o.dIn(), s = o.dSae();
        double flops = o.architecture().equals("standard") ? 10 * n * d * s : 2 * n * d * s + 8 * n * o.k() * d;
        int mid = medianIndex(ms);
        return new Result(o, Kernels.gemm().name(), Kernels.threads(), ms[mid], gemm[mid], flops, median(ceil));
    }

    private static int medianIndex(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        return order[v.length / 2];
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
