package dev.loupe.tensor;

import dev.loupe.util.ConfigException;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the GEMM backend once (on first use) and holds the thread setting.
 *
 * <p>Selection order: {@code openblas} ({@link OpenBlasGemm}) when {@code libopenblas.so.0} loads,
 * else {@code java-vector} ({@link VectorGemm}) when the {@code jdk.incubator.vector} module is
 * present, else {@code scalar} ({@link ScalarGemm}) with one warning on stderr naming the JVM flag
 * to add. The system property {@code loupe.backend=openblas|java|scalar} overrides the choice.
 *
 * <p>{@link VectorGemm} is only ever loaded reflectively after checking the module is in the boot
 * layer: loading it without the module would fail with {@code NoClassDefFoundError}.
 */
public final class Kernels {
    public static final String OPENBLAS = "openblas", JAVA_VECTOR = "java-vector", SCALAR = "scalar";
    static final String VECTOR_FLAG = "--add-modules jdk.incubator.vector";

    private static volatile Gemm gemm;
    private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

    private Kernels() {}

    /** The backend for this process: chosen on first call (see the class comment). */
    public static Gemm gemm() {
        Gemm g = gemm;
        if (g != null) return g;
        synchronized (Kernels.class) {
            if (gemm == null) gemm = choose();
            return gemm;
        }
    }

    public static void setGemm(Gemm g) { gemm = g; }
    public static int threads() { return threads; }

    /** Sets the worker count used by {@link Parallel} and by OpenBLAS (both resize lazily). */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        threads = n;
    }

    /** Backend names that can run in this JVM, fastest first. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        if (openBlas() != null) names.add(OPENBLAS);
        if (vectorModulePresent()) names.add(JAVA_VECTOR);
        names.add(SCALAR);
        return names;
    }

    /**
     * A specific backend ({@code openblas}, {@code java-vector} or its alias {@code java}, {@code scalar}),
     * for benchmarks and tests.
     *
     * @throws ConfigException naming the backend and what to do when it cannot run here
     */
    public static Gemm backend(String name) {
        switch (name) {
            case OPENBLAS -> {
                Gemm g = openBlas();
                if (g == null) {
                    throw new ConfigException("backend openblas is not available: " + openBlasError
                            + "; install it (Debian: libopenblas0-pthread), run the JVM with"
                            + " --enable-native-access=ALL-UNNAMED (the ./loupe launcher does), or pick java or scalar");
                }
                return g;
            }
            case JAVA_VECTOR, "java" -> {
                if (!vectorModulePresent()) {
                    throw new ConfigException("backend java-vector needs the Vector API: run the JVM with "
                            + VECTOR_FLAG + " (the ./loupe launcher does)");
                }
                try {
                    return (Gemm) Class.forName("dev.loupe.tensor.VectorGemm").getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot instantiate VectorGemm: " + e, e);
                }
            }
            case SCALAR -> { return new ScalarGemm(); }
            default -> throw new ConfigException("unknown GEMM backend '" + name
                    + "': use openblas, java (java-vector) or scalar");
        }
    }

    private static Gemm choose() {
        String forced = System.getProperty("loupe.backend");
        if (forced != null && !forced.isBlank()) {
            try {
                return backend(forced.strip());
            } catch (ConfigException e) {
                throw new ConfigException("-Dloupe.backend=" + forced + ": " + e.getMessage());
            }
        }
        Gemm blas = openBlas();
        if (blas != null) return blas;
        if (vectorModulePresent()) return backend(JAVA_VECTOR);
        System.err.println("loupe: warning: jdk.incubator.vector is not available, using the slow scalar GEMM;"
                + " add the JVM flag " + VECTOR_FLAG);
        return new ScalarGemm();
    }

    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static Gemm openBlasInstance;
    private static String openBlasError;
    private static boolean openBlasTried;

    /** The OpenBLAS backend, loaded once; null (with {@link #openBlasError} set) when it cannot load. */
    private static synchronized Gemm openBlas() {
        if (!openBlasTried) {
            openBlasTried = true;
            try {
                openBlasInstance = OpenBlasGemm.load();
            } catch (UnsupportedOperationException | LinkageError e) {
                openBlasError = e.getMessage();
            }
        }
        return openBlasInstance;
    }
}
