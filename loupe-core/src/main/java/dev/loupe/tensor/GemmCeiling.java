package dev.loupe.tensor;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The GEMM ceiling that training benchmarks report against: GFLOP/s of OpenBLAS (the process backend
 * when OpenBLAS cannot load) on a large square A·B at the current thread count, measured by
 * {@link GemmBenchmark#measureInterleaved}. Benchmarks call {@link #measure()} between their own timed
 * runs, so ceiling and workload see the same machine load, and report their median against its median.
 */
public final class GemmCeiling {
    /** 2048³: large enough for OpenBLAS to reach its peak, small enough to time in a fraction of a second. */
    public static final GemmBenchmark.Shape SHAPE = new GemmBenchmark.Shape(2048, 2048, 2048);

    private final Gemm gemm;
    private final float[] a, b, c;

    public GemmCeiling() {
        gemm = Kernels.available().contains(Kernels.OPENBLAS) ? Kernels.backend(Kernels.OPENBLAS) : Kernels.gemm();
        SplittableRandom rnd = new SplittableRandom(7);
        int s = SHAPE.m();
        a = new float[s * s];
        b = new float[s * s];
        c = new float[s * s];
        for (int i = 0; i < a.length; i++) { a[i] = (float) rnd.nextDouble(-1, 1); b[i] = (float) rnd.nextDouble(-1, 1); }
    }

    /** The backend measured ({@code openblas} unless it is missing). */
    public String backend() { return gemm.name(); }

    /** One measurement: GFLOP/s of a run of at least 0.2 s after a short warm-up. */
    public double measure() {
        return GemmBenchmark.measureInterleaved(List.of(gemm), GemmBenchmark.Op.AB, SHAPE, a, b, c, 0.2, 1)[0];
    }
}
