package dev.loupe.lm;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vectorised softmax exponential against the scalar reference, over odd lengths and offsets. */
class ExpKernelTest {
    @Test void vectorKernelIsChosenUnderTheTestFlagsAndMatchesScalar() {
        // surefire runs with --add-modules jdk.incubator.vector, so the vector kernel must be active here
        assertEquals("VectorExpKernel", ExpKernel.BEST.getClass().getSimpleName());
        var scalar = new ExpKernel.Scalar();
        var r = new Random(1);
        for (int n : new int[]{1, 3, 7, 15, 16, 17, 31, 100, 257, 4096}) {
            float[] src = new float[n + 5];
            for (int i = 0; i < src.length; i++) src[i] = (float) (r.nextGaussian() * 8);
            float[] a = new float[src.length], b = new float[src.length];
            double sa = ExpKernel.BEST.expShiftSum(src, a, 2, n, 3f);
            double sb = scalar.expShiftSum(src, b, 2, n, 3f);
            assertEquals(sb, sa, 1e-6 * sb, "sum, n=" + n);
            for (int i = 0; i < src.length; i++) {
                boolean inside = i >= 2 && i < 2 + n;
                if (!inside) assertEquals(0f, a[i], "wrote outside the slice at " + i);
                else assertTrue(Math.abs(a[i] - b[i]) <= 4 * Math.ulp(b[i]), "n=" + n + " i=" + i + ": " + a[i] + " vs " + b[i]);
            }
            float[] zeros = new float[n], ones = new float[n];   // exp(ln 2 − ln 2) = 1 everywhere, sum n
            java.util.Arrays.fill(zeros, (float) Math.log(2));
            assertEquals(n, ExpKernel.BEST.expShiftSum(zeros, ones, 0, n, (float) Math.log(2)), 0);
            assertEquals(1f, ones[n - 1]);
        }
    }
}
