package dev.loupe.lm;

import dev.loupe.tensor.Kernels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link AdamW#globalNorm}: the L2 norm to float accuracy against a double sum, the same bits for 1 and 2 threads. */
class GlobalNormTest {
    private final int savedThreads = Kernels.threads();

    @AfterEach void restore() { Kernels.setThreads(savedThreads); }

    @ParameterizedTest @ValueSource(ints = {0, 1, 15, 17, 8191, 8192, 8193, 100_003, 739_840})
    void matchesADoubleSumForAnyThreadCount(int n) {
        var r = new Random(n);
        float[] g = new float[n];
        // magnitudes over six decades, as in a real gradient (embedding rows untouched by a batch are tiny)
        for (int i = 0; i < n; i++) g[i] = (float) (r.nextGaussian() * Math.pow(10, -r.nextInt(6)));
        double ref = 0;
        for (float x : g) ref += (double) x * x;
        ref = Math.sqrt(ref);
        Kernels.setThreads(1);
        double one = AdamW.globalNorm(g);
        Kernels.setThreads(2);
        double two = AdamW.globalNorm(g);
        assertEquals(ref, one, 1e-6 * ref, "norm of " + n);
        assertEquals(one, two, "1 and 2 threads");
    }
}
