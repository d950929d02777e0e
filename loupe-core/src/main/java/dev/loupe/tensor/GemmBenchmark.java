package dev.loupe.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * GEMM throughput of the kernel backends, run by {@code loupe bench kernels}: for each shape, op
 * (A·B, A·Bᵀ, Aᵀ·B) and thread count, every backend is timed on the same matrices and reported in
 * GFLOP/s and as a percentage of OpenBLAS measured in the same run (the ceiling on this machine).
 *
 * <p>Method: every backend is first run on a small problem (so the JIT has compiled it), then per
 * configuration warm-up calls (≥ {@code 2 × minRunSeconds}), then {@code runs} timed runs per
 * backend, taken in turns, each repeating the call until it lasts at least {@code minRunSeconds};
 * the median run is reported.
 * FLOPs are counted as 2·m·k·n. This is a quick in-process comparison, not a JMH benchmark
 * (loupe-bench's {@code GemmBench} is that).
 */
public final class GemmBenchmark {
    private GemmBenchmark() {}

    /** op(A) is [m, k], op(B) is [k, n]. Parsed from "MxKxN". */
    public record Shape(int m, int k, int n) {
        public Shape {
            if (m < 1 || k < 1 || n < 1) throw new IllegalArgumentException("shape sizes must be >= 1, got " + m + "x" + k + "x" + n);
        }

        public static Shape parse(String s) {
            String[] p = s.strip().toLowerCase(Locale.ROOT).split("x");
            try {
                if (p.length == 3) return new Shape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("bad shape '" + s + "': expected MxKxN with positive integers, e.g. 64x768x768");
        }

        @Override public String toString() { return m + "x" + k + "x" + n; }
    }

    /** Which operands are transposed; {@code id} is the JSON value, {@code label} the table's. */
    public enum Op {
        AB("AB", "A·B", false, false), ABT("ABt", "A·Bᵀ", false, true), ATB("AtB", "Aᵀ·B", true, false);

        public final String id, label;
        final boolean transA, transB;

        Op(String id, String label, boolean transA, boolean transB) {
            this.id = id;
            this.label = label;
            this.transA = transA;
            this.transB = transB;
        }
    }

    public static final List<Shape> DEFAULT_SHAPES = List.of(
            new Shape(4096, 512, 4096), new Shape(1024, 768, 3072), new Shape(64, 768, 768), new Shape(1, 768, 3072));

    public record Options(List<String> backends, List<Integer> threads, List<Shape> shapes, List<Op> ops,
                          double minRunSeconds, int runs) {
        public Options {
            if (backends.isEmpty() || threads.isEmpty() || shapes.isEmpty() || ops.isEmpty()) {
                throw new IllegalArgumentException("benchmark needs at least one backend, thread count, shape and op");
            }
            for (int t : threads) if (t < 1) throw new IllegalArgumentException("thread counts must be >= 1, got " + t);
            if (runs < 1 || !(minRunSeconds > 0)) throw new IllegalArgumentException("runs must be >= 1 and run time > 0");
            backends = List.copyOf(backends);
            threads = List.copyOf(threads);
            shapes = List.copyOf(shapes);
            ops = List.copyOf(ops);
        }

        /** Every backend that can run here except scalar (too slow for the large shapes). */
        public static List<String> defaultBackends() {
            return Kernels.available().stream().filter(b -> !b.equals(Kernels.SCALAR)).toList();
        }
    }

    /** One measurement; {@code pctOfOpenBlas} is null when OpenBLAS was not measured alongside. */
    public record Result(String backend, Op op, Shape shape, int threads, double gflops, Double pctOfOpenBlas) {
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"backend\":\"%s\",\"op\":\"%s\",\"m\":%d,\"k\":%d,\"n\":%d,\"threads\":%d,\"gflops\":%s,\"pct_of_openblas\":%s}",
                    backend, op.id, shape.m(), shape.k(), shape.n(), threads,
                    new java.math.BigDecimal(gflops).round(new java.math.MathContext(4)).toPlainString(),
                    pctOfOpenBlas == null ? "null" : String.format(Locale.ROOT, "%.1f", pctOfOpenBlas));
        }

        public String toRow() {
            return String.format(Locale.ROOT, "%-12s %-5s %6d %6d %6d %4d %10.1f %10s", backend, op.label,
                    shape.m(), shape.k(), shape.n(), threads, gflops,
                    pctOfOpenBlas == null ? "-" : String.format(Locale.ROOT, "%.1f%%", pctOfOpenBlas));
        }
    }

    public static String tableHeader() {
        return String.format(Locale.ROOT, "%-12s %-5s %6s %6s %6s %4s %10s %10s",
                "backend", "op", "m", "k", "n", "thr", "GFLOP/s", "%openblas");
    }

    /** Runs every combination, passing each result to {@code sink} as soon as it is measured. */
    public static List<Result> run(Options opt, Consumer<Result> sink) {
        List<Gemm> gemms = new ArrayList<>();
        for (String b : opt.backends()) gemms.add(Kernels.backend(b));
        // OpenBLAS first, so the others can be reported relative to it as they finish
        gemms.sort((x, y) -> Boolean.compare(!x.name().equals(Kernels.OPENBLAS), !y.name().equals(Kernels.OPENBLAS)));
        int savedThreads = Kernels.threads();
        List<Result> results = new ArrayList<>();
        try {
            for (Gemm g : gemms) prime(g, opt.minRunSeconds());
            for (Shape s : opt.shapes()) {
                SplittableRandom rnd = new SplittableRandom(42);
                float[] a = random(rnd, (long) s.m() * s.k()), b = random(rnd, (long) s.k() * s.n());
                float[] c = new float[s.m() * s.n()];
                for (Op op : opt.ops()) {
                    for (int t : opt.threads()) {
                        Kernels.setThreads(t);
                        double[] gf = measureInterleaved(gemms, op, s, a, b, c, opt.minRunSeconds(), opt.runs());
                        Double ceiling = null;
                        for (int i = 0; i < gemms.size(); i++) {
                            if (gemms.get(i).name().equals(Kernels.OPENBLAS)) ceiling = gf[i];
                        }
                        for (int i = 0; i < gemms.size(); i++) {
                            Result r = new Result(gemms.get(i).name(), op, s, t, gf[i], ceiling == null ? null : 100 * gf[i] / ceiling);
                            results.add(r);
                            sink.accept(r);
                        }
                    }
                }
            }
        } finally {
            Kernels.setThreads(savedThreads);
        }
        return results;
    }

    /**
     * Median GFLOP/s of each backend over {@code runs} timed runs of {@code C = op(A)·op(B)}. The
     * backends take turns run by run, so drifting load on a shared machine hits them alike.
     */
    public static double[] measureInterleaved(List<Gemm> gemms, Op op, Shape s, float[] a, float[] b, float[] c,
                                              double minRunSeconds, int runs) {
        int nb = gemms.size();
        Runnable[] calls = new Runnable[nb];
        int[] reps = new int[nb];
        for (int i = 0; i < nb; i++) {
            calls[i] = call(gemms.get(i), op, s, a, b, c);
            reps[i] = warmUp(calls[i], minRunSeconds);
        }
        double flops = 2.0 * s.m() * s.k() * s.n();
        double[][] gflops = new double[nb][runs];
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < nb; i++) {
                long t0 = System.nanoTime();
                for (int rep = 0; rep < reps[i]; rep++) calls[i].run();
                gflops[i][r] = flops * reps[i] / ((System.nanoTime() - t0) / 1e9) / 1e9;
            }
        }
        double[] median = new double[nb];
        for (int i = 0; i < nb; i++) {
            Arrays.sort(gflops[i]);
            median[i] = gflops[i][runs / 2];
        }
        return median;
    }

    private static Runnable call(Gemm g, Op op, Shape s, float[] a, float[] b, float[] c) {
        int m = s.m(), k = s.k(), n = s.n();
        int lda = op.transA ? m : k, ldb = op.transB ? k : n;
        return () -> g.sgemm(op.transA, op.transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
    }

    /** Calls for at least 2 × minRunSeconds (and twice); returns the repetitions that fill one run. */
    private static int warmUp(Runnable call, double minRunSeconds) {
        long start = System.nanoTime(), end = start + (long) (2 * minRunSeconds * 1e9);
        int calls = 0;
        do {
            call.run();
            calls++;
        } while (System.nanoTime() < end || calls < 2);
        double perCall = (System.nanoTime() - start) / 1e9 / calls;
        return (int) Math.max(1, Math.ceil(minRunSeconds / perCall));
    }

    /**
     * Gets the JIT past its slow tiers on a small problem before anything is timed: Vector API code
     * runs orders of magnitude slower until C2 compiles it, which a first large call would absorb.
     */
    private static void prime(Gemm g, double minRunSeconds) {
        SplittableRandom rnd = new SplittableRandom(1);
        for (Shape s : List.of(new Shape(96, 256, 256), new Shape(1, 256, 512))) {  // blocked and matrix-vector paths
            float[] a = random(rnd, (long) s.m() * s.k()), b = random(rnd, (long) s.k() * s.n()), c = new float[s.m() * s.n()];
            for (Op op : Op.values()) warmUp(call(g, op, s, a, b, c), minRunSeconds);
        }
    }

    private static float[] random(SplittableRandom rnd, long n) {
        float[] x = new float[Math.toIntExact(n)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
