package dev.loupe.bench;

import dev.loupe.tensor.Gemm;
import dev.loupe.tensor.GemmBenchmark;
import dev.loupe.tensor.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * JMH version of {@code loupe bench kernels}: one sgemm call per invocation, C = op(A)·op(B).
 * GFLOP/s = 2·m·k·n / (time per op). Run, e.g.:
 * <pre>
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *        -jar loupe-bench/target/loupe-bench.jar GemmBench -p backend=java -p shape=1024x768x3072
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBench {
    @Param({"openblas", "java"})
    public String backend;

    /** MxKxN: op(A) is [M, K], op(B) is [K, N]. */
    @Param({"4096x512x4096", "1024x768x3072", "64x768x768", "1x768x3072"})
    public String shape;

    /** AB, ABt or AtB. */
    @Param({"AB"})
    public String op;

    @Param({"1"})
    public int threads;

    private Gemm gemm;
    private float[] a, b, c;
    private int m, k, n, lda, ldb;
    private boolean transA, transB;

    @Setup
    public void setup() {
        Kernels.setThreads(threads);
        gemm = Kernels.backend(backend);
        GemmBenchmark.Shape s = GemmBenchmark.Shape.parse(shape);
        m = s.m();
        k = s.k();
        n = s.n();
        transA = op.equals("AtB");
        transB = op.equals("ABt");
        if (!op.equals("AB") && !transA && !transB) throw new IllegalArgumentException("op must be AB, ABt or AtB, got " + op);
        lda = transA ? m : k;
        ldb = transB ? k : n;
        SplittableRandom rnd = new SplittableRandom(42);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) (rnd.nextDouble() * 2 - 1);
    }

    @Benchmark
    public float[] sgemm() {
        gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        return c;
    }
}
