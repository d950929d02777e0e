package dev.loupe.lm;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vectorised row loops (max, exp-shift-sum, row sums, column sums, ReLU backward, LayerNorm rows) against the scalar reference or hand rules, over odd lengths and offsets. */
class RowKernelTest {
    /** The vector max keeps four accumulators and a vector and scalar tail: a maximum at every position of a slice is found. */
    @Test void maxFindsTheMaximumAtEveryPosition() {
        var r = new Random(4);
        for (int n : new int[]{64, 79, 130}) {
            float[] src = new float[n + 3];
            for (int i = 0; i < src.length; i++) src[i] = (float) -Math.abs(r.nextGaussian());
            src[0] = 5f;
            src[n + 2] = 5f;   // either side of the slice [1, n + 1): must not count
            for (int p = 1; p <= n; p++) {
                float saved = src[p];
                src[p] = 1f + p;
                assertEquals(1f + p, RowKernel.BEST.max(src, 1, n), "max at " + p + ", n=" + n);
                src[p] = saved;
            }
        }
    }

    /** LayerNorm's row loops: the same operations in the same order, so the vector kernel gives the scalar bits. */
    @Test void layerNormRowsMatchTheScalarLoopsBitForBit() {
        var scalar = new RowKernel.Scalar();
        var r = new Random(6);
        for (int n : new int[]{1, 15, 16, 33, 128, 131}) {
            float[] x = new float[n + 7], dout = new float[n + 7], p = new float[2 * n + 9];
            for (int i = 0; i < x.length; i++) { x[i] = (float) r.nextGaussian(); dout[i] = (float) r.nextGaussian(); }
            for (int i = 0; i < p.length; i++) p[i] = (float) r.nextGaussian();
            float[] outV = new float[n + 7], outS = new float[n + 7];
            RowKernel.BEST.normalize(outV, x, 3, n, 0.25f, 1.7f, p, 2, n + 5);
            scalar.normalize(outS, x, 3, n, 0.25f, 1.7f, p, 2, n + 5);
            assertArrayEquals(outS, outV, "normalize, n=" + n);
            float[] dV = dout.clone(), dS = dout.clone();   // += into a non-zero gradient
            RowKernel.BEST.normalizeBackward(dV, x, outV, 3, n, -0.5f, 1.3f, 0.125f, -0.75f, p, 4);
            scalar.normalizeBackward(dS, x, outS, 3, n, -0.5f, 1.3f, 0.125f, -0.75f, p, 4);
            assertArrayEquals(dS, dV, "normalizeBackward, n=" + n);
            assertEquals(dout[0], dV[0]);   // outside [3, 3 + n): untouched
            assertEquals(dout[n + 3], dV[n + 3]);
        }
    }

    @Test void vectorKernelIsChosenUnderTheTestFlagsAndMatchesScalar() {
        // surefire runs with --add-modules jdk.incubator.vector, so the vector kernel must be active here
        assertEquals("VectorRowKernel", RowKernel.BEST.getClass().getSimpleName());
        var scalar = new RowKernel.Scalar();
        var r = new Random(1);
        for (int n : new int[]{1, 3, 7, 15, 16, 17, 31, 100, 257, 4096}) {
            float[] src = new float[n + 5];
            for (int i = 0; i < src.length; i++) src[i] = (float) (r.nextGaussian() * 8);
            src[2 + r.nextInt(n)] = 100f;   // the planted maximum, somewhere in the slice
            src[0] = 1000f;                 // outside the slice: must not count
            assertEquals(100f, RowKernel.BEST.max(src, 2, n), "max, n=" + n);

            float[] a = new float[src.length], b = new float[src.length];
            double sa = RowKernel.BEST.expShiftSum(src, a, 2, n, 100f);
            double sb = scalar.expShiftSum(src, b, 2, n, 100f);
            // the vector sum adds in float lanes (at most n/16 terms each): relative error well under 1e-5
            assertEquals(sb, sa, 1e-5 * sb, "sum, n=" + n);
            for (int i = 0; i < src.length; i++) {
                boolean inside = i >= 2 && i < 2 + n;
                if (!inside) assertEquals(0f, a[i], "wrote outside the slice at " + i);
                else assertTrue(Math.abs(a[i] - b[i]) <= 4 * Math.ulp(b[i]), "n=" + n + " i=" + i + ": " + a[i] + " vs " + b[i]);
            }
            float[] dout = new float[src.length], da = new float[src.length], db = new float[src.length];
            for (int i = 0; i < src.length; i++) { dout[i] = r.nextFloat(); da[i] = db[i] = r.nextFloat(); }
            RowKernel.BEST.reluBackward(da, src, dout, 2, n);
            for (int i = 0; i < src.length; i++) {   // hand rule: inside the slice dout where the input is positive, else 0; outside untouched
                boolean inside = i >= 2 && i < 2 + n;
                float expected = inside ? (src[i] > 0f ? dout[i] : 0f) : db[i];
                assertEquals(expected, da[i], "relu backward, n=" + n + " i=" + i);
            }
            // the row sums against double sums written out here
            float[] x2 = new float[src.length];
            for (int i = 0; i < x2.length; i++) x2[i] = (float) r.nextGaussian();
            double sum = 0, ssd = 0, dot = 0, dotDev = 0;
            for (int i = 2; i < 2 + n; i++) {
                sum += src[i];
                ssd += (src[i] - 1.5) * (src[i] - 1.5);
                dot += (double) dout[i - 2] * x2[i];
                dotDev += (double) dout[i - 2] * x2[i] * (src[i] - 1.5);
            }
            RowKernel k = RowKernel.BEST;
            double scaleSum = 1e-5 * (1 + n * 100);   // float lanes over terms up to ~100 in size
            assertEquals(sum, k.sum(src, 2, n), scaleSum, "sum, n=" + n);
            assertEquals(ssd, k.sumSquaredDeviations(src, 2, n, 1.5f), 1e-5 * ssd, "squared deviations, n=" + n);
            assertEquals(dot, k.dot(dout, 0, x2, 2, n), 1e-5 * (1 + n), "dot, n=" + n);
            assertEquals(dotDev, k.dotDeviations(dout, 0, x2, 2, src, 2, 1.5f, n), 1e-5 * (1 + n * 100), "dot of deviations, n=" + n);
            // column-sum kernels: same float operations in the same order as the scalar loops, so bit-identical
            float[] accV = x2.clone(), accS = x2.clone();
            k.addTo(src, 2, accV, 1, n);
            scalar.addTo(src, 2, accS, 1, n);
            k.addScaledDeviations(dout, src, 2, 1.5f, 0.7f, accV, 1, n);
            scalar.addScaledDeviations(dout, src, 2, 1.5f, 0.7f, accS, 1, n);
            assertArrayEquals(accS, accV, "column-sum kernels, n=" + n);
            assertEquals(x2[0], accV[0], "wrote before the slice");
            float[] same = new float[n], ones = new float[n];   // exp(ln 2 − ln 2) = 1 everywhere, sum n
            java.util.Arrays.fill(same, (float) Math.log(2));
            assertEquals(n, RowKernel.BEST.expShiftSum(same, ones, 0, n, (float) Math.log(2)), 0);
            assertEquals(1f, ones[n - 1]);
        }
    }

    /**
     * The vector exponential (through expShiftSum with shift 0) against Math.exp rounded to float: within
     * 2 ulp everywhere it is finite and nonzero, over a dense sweep of [−110, 90] (every 1021st float bit
     * pattern) and hand-picked points: 0 → exactly 1, −inf and far-negative inputs → 0, +inf and
     * overflow → +inf, NaN → NaN, subnormal results, and the ends of the range reduction.
     */
    @Test void vectorExpIsWithinTwoUlpOfMathExpOverTheWholeRange() {
        var xs = new java.util.ArrayList<Float>();
        for (float x : new float[]{0f, -0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -Float.MAX_VALUE, Float.MAX_VALUE,
                -1e-30f, 1e-30f, Float.MIN_VALUE, -Float.MIN_VALUE, -87.33655f, -87.3f, -100f, -103.2f, -103.97f, -104f, -105f, -110f, -200f,
                88.72f, 88.7228f, 88.72284f, 88.73f, 89f, 100f, 0.34657359f, -0.34657359f, 0.34657362f, (float) Math.log(2), -(float) Math.log(2)}) xs.add(x);
        for (int bits = Float.floatToRawIntBits(0f); bits < Float.floatToRawIntBits(90f); bits += 1021) {
            xs.add(Float.intBitsToFloat(bits));
            if (Float.intBitsToFloat(bits) <= 110f) xs.add(-Float.intBitsToFloat(bits));
        }
        float[] x = new float[xs.size()], e = new float[x.length];
        for (int i = 0; i < x.length; i++) x[i] = xs.get(i);
        RowKernel.BEST.expShiftSum(x, e, 0, x.length, 0f);
        double worst = 0;   // (the last x.length mod lanes elements go to the scalar tail, Math.exp itself)
        for (int i = 0; i < x.length; i++) {
            float want = (float) Math.exp(x[i]);
            if (Float.isNaN(want) || Float.isInfinite(want) || want == 0f) {
                assertEquals(want, e[i], "exp(" + x[i] + ")");
                continue;
            }
            double ulps = Math.abs((double) e[i] - want) / Math.ulp(want);
            worst = Math.max(worst, ulps);
            assertTrue(ulps <= 2, "exp(" + x[i] + ") = " + e[i] + ", Math.exp gives " + want + ": " + ulps + " ulp");
        }
        assertEquals(1f, e[0]);
        assertEquals(1f, e[1]);
        assertTrue(worst > 0, "the sweep should include inexact results");
    }
}
