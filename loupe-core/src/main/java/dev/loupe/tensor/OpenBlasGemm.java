package dev.loupe.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * The "openblas" backend: {@code cblas_sgemm} from {@code libopenblas.so.0} called through FFM.
 *
 * <p>The downcall is linked with {@link Linker.Option#critical(boolean) critical(true)}, so the Java
 * heap {@code float[]}s are passed to C directly ({@link MemorySegment#ofArray} plus the element
 * offset): no copies and no off-heap staging, the cost over C is one downcall. Being the C library,
 * results are OpenBLAS's own; {@code GemmParityTest} checks they agree with {@link ScalarGemm}.
 * Arguments are bounds-checked in Java first ({@link Gemm#checkArgs}), since native code would
 * otherwise read or write past the arrays. Not a general BLAS binding: only sgemm and the thread
 * count.
 *
 * <p>OpenBLAS keeps its own thread pool; before each call its size is set to {@link Kernels#threads()},
 * or to 1 for a call made from inside a {@link Parallel} region (each pool thread then runs its own
 * single-threaded OpenBLAS GEMM, which for small per-head shapes is 1.3–4× the Java kernel), if that
 * changed since the last call. The count is process-wide, so concurrent callers outside and inside
 * regions only cost speed, never correctness.
 */
public final class OpenBlasGemm implements Gemm {
    static final String LIBRARY = "libopenblas.so.0";
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
    static final String THREAD_TIMEOUT_ENV = "OPENBLAS_THREAD_TIMEOUT", THREAD_TIMEOUT = "20";

    private volatile int threadsSet = -1;

    private OpenBlasGemm() {}

    /**
     * The downcall handles, linked when this holder is first touched. They are static finals so C2
     * treats them as constants and inlines the call (a handle in an instance field costs ~0.5 µs per call).
     */
    private static final class Native {
        static final MethodHandle SGEMM, SET_NUM_THREADS, THREAD_TIMEOUT_READ;

        static {
            shortenSpinWait();
            SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            Linker linker = Linker.nativeLinker();
            var f = ValueLayout.JAVA_FLOAT;
            var i = ValueLayout.JAVA_INT;
            var p = ValueLayout.ADDRESS;
            SGEMM = linker.downcallHandle(find(lib, "cblas_sgemm"),
                    FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, p, i, p, i, f, p, i),
                    Linker.Option.critical(true));
            SET_NUM_THREADS = linker.downcallHandle(find(lib, "openblas_set_num_threads"), FunctionDescriptor.ofVoid(i));
            THREAD_TIMEOUT_READ = linker.downcallHandle(find(lib, "openblas_thread_timeout"), FunctionDescriptor.of(i));
        }
    }

    /**
     * OpenBLAS's idle workers spin (calling sched_yield) for 2^28 cycles, about 0.1 s, after each
     * threaded GEMM before they sleep. In a forward pass the next GEMM is milliseconds away, so on a
     * machine with as many cores as pool threads they spin through every norm, activation and
     * attention phase, competing with the pool threads doing that work. Unless the user set
     * {@value #THREAD_TIMEOUT_ENV}, it is set to {@value #THREAD_TIMEOUT} (2^20 cycles, ~0.4 ms: still
     * spanning the gaps between the small GEMMs of one-token decoding) before the library is loaded,
     * which is when OpenBLAS reads it; {@code OPENBLAS_THREAD_TIMEOUT=28} restores the default. Failing
     * to set it only costs speed.
     */
    private static void shortenSpinWait() {
        if (System.getenv(THREAD_TIMEOUT_ENV) != null) return;
        try {
            Linker linker = Linker.nativeLinker();
            MemorySegment setenv = linker.defaultLookup().find("setenv").orElse(null);
            if (setenv == null) return;
            MethodHandle h = linker.downcallHandle(setenv,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            try (Arena a = Arena.ofConfined()) {
                int unused = (int) h.invokeExact(a.allocateFrom(THREAD_TIMEOUT_ENV), a.allocateFrom(THREAD_TIMEOUT), 0); // fails only without memory
            }
        } catch (Throwable ignored) {
            // OpenBLAS keeps its default spin time
        }
    }

    /** The spin-time exponent OpenBLAS read from {@value #THREAD_TIMEOUT_ENV} when it loaded (0: unset). */
    static int spinTimeoutExponent() {
        try {
            return (int) Native.THREAD_TIMEOUT_READ.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_thread_timeout failed: " + t, t);
        }
    }

    /**
     * Loads the library and links the downcalls.
     *
     * @throws UnsupportedOperationException with a one-line reason when the library or its symbols
     *         cannot be loaded (also when native access is not enabled for this module)
     */
    public static OpenBlasGemm load() {
        try {
            Objects.requireNonNull(Native.SGEMM);
            return new OpenBlasGemm();
        } catch (ExceptionInInitializerError e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new UnsupportedOperationException(LIBRARY + " could not be loaded: " + cause.getMessage(), cause);
        } catch (NoClassDefFoundError e) {  // the holder failed to initialise on an earlier attempt
            throw new UnsupportedOperationException(LIBRARY + " could not be loaded (see the first attempt's error)", e);
        }
    }

    private static MemorySegment find(SymbolLookup lib, String symbol) {
        return lib.find(symbol).orElseThrow(() ->
                new UnsupportedOperationException(LIBRARY + " has no symbol " + symbol));
    }

    @Override public String name() { return "openblas"; }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {  // BLAS does not read A and B then; OpenBLAS would still multiply NaNs
            ScalarGemm.scale(beta, c, cOff, ldc, m, n);
            return;
        }
        // From inside a parallel region (e.g. per-head attention GEMMs, one pool thread each) OpenBLAS
        // must run single-threaded on the calling thread: with more threads it would start its own
        // workers under each caller and serialise them on its internal lock.
        syncThreads(Parallel.insideParallel() ? 1 : Kernels.threads());
        try {
            Native.SGEMM.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                    alpha, segment(a, aOff), lda, segment(b, bOff), ldb, beta, segment(c, cOff), ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed: " + t, t);
        }
    }

    /** A heap segment starting at element {@code off}; an empty matrix may come with no array. */
    private static MemorySegment segment(float[] x, int off) {
        if (x == null) return MemorySegment.NULL;
        return MemorySegment.ofArray(x).asSlice((long) Math.min(off, x.length) * Float.BYTES);
    }

    /** Sets OpenBLAS's (process-wide) thread count to t unless it already is. */
    private void syncThreads(int t) {
        if (t == threadsSet) return;
        synchronized (this) {
            if (t == threadsSet) return;
            try {
                Native.SET_NUM_THREADS.invokeExact(t);
            } catch (Throwable e) {
                throw new IllegalStateException("openblas_set_num_threads failed: " + e, e);
            }
            threadsSet = t;
        }
    }
}
