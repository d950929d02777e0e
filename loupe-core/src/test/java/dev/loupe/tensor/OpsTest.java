package dev.loupe.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ops against hand-computed values and independent float64 formulas. */
class OpsTest {
    @Test
    void erfMatchesTabulatedValues() {
        // Abramowitz & Stegun Table 7.1 / standard tables, to 16 digits.
        assertEquals(0.0, Ops.erf(0.0), 0);
        assertEquals(0.1124629160182849, Ops.erf(0.1), 1e-15);
        assertEquals(0.5204998778130465, Ops.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Ops.erf(1.0), 1e-15);
        assertEquals(0.9661051464753108, Ops.erf(1.5), 1e-15);
        assertEquals(0.9953222650189527, Ops.erf(2.0), 1e-15);
        assertEquals(0.9999779095030014, Ops.erf(3.0), 1e-15);
        assertEquals(-0.8427007929497149, Ops.erf(-1.0), 1e-15);
        assertEquals(1.0, Ops.erf(7.0), 0);
        assertEquals(-1.0, Ops.erf(-40.0), 0);
    }

    @Test
    void erfMatchesNumericalIntegral() {
        // erf(x) = 2/√π ∫0^x e^(−t²) dt by composite Simpson with 20000 panels (error ≪ 1e-12).
        for (double x = -5.5; x <= 5.5; x += 0.37) {
            int n = 20000;
            double h = x / n, s = 1 + Math.exp(-x * x);
            for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * Math.exp(-(i * h) * (i * h));
            double ref = 2 / Math.sqrt(Math.PI) * s * h / 3;
            assertEquals(ref, Ops.erf(x), 1e-12, "erf(" + x + ")");
        }
    }

    @Test
    void erfTableAgreesWithSeriesEverywhere() {
        Random r = new Random(4);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            double x = (r.nextDouble() * 2 - 1) * 6.5;
            worst = Math.max(worst, Math.abs(Ops.erf(x) - Ops.erfSeries(x)));
        }
        assertTrue(worst < 1e-14, "max |erf − series| = " + worst);
    }

    @Test
    void activationsHandComputed() {
        float[] x = {-2f, -0.5f, 0f, 1f, 3f};
        float[] g = x.clone();
        Ops.gelu(g, g.length);
        // x·Φ(x): Φ(−2)=0.0227501319, Φ(−0.5)=0.3085375387, Φ(1)=0.8413447461, Φ(3)=0.9986501020
        assertArrayEquals(new float[]{-0.0455002638f, -0.1542687694f, 0f, 0.8413447461f, 2.9959503060f}, g, 1e-7f);
        float[] gn = x.clone();
        Ops.geluNew(gn, gn.length);
        for (int i = 0; i < x.length; i++) {
            double v = x[i], ref = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            assertEquals(ref, gn[i], 1e-7);
        }
        assertEquals(-0.04540229f, gn[0], 1e-6f);              // differs from exact gelu: the fixtures' trap
        float[] s = x.clone();
        Ops.silu(s, s.length);
        assertArrayEquals(new float[]{-0.2384058440f, -0.1887703343f, 0f, 0.7310585786f, 2.8577223804f}, s, 1e-7f);
        float[] r = x.clone();
        Ops.relu(r, r.length);
        assertArrayEquals(new float[]{0f, 0f, 0f, 1f, 3f}, r);
    }

    /** The vectorised gelu_new / SiLU / softmax exp (whole vectors and a tail) against tanh / sigmoid references and the scalar path. */
    @Test
    void vectorisedActivationsAgreeWithScalar() {
        assertEquals("VectorActivations", Activations.BEST.getClass().getSimpleName());  // surefire adds the module
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        float[] x = new float[1003];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * (i % 3 == 0 ? 30 : 2));
        x[0] = 0f; x[1] = -0f; x[2] = 90f; x[3] = -90f; x[4] = Float.MIN_VALUE;
        float[] gv = x.clone(), gs = x.clone(), sv = x.clone(), ss = x.clone();
        Ops.geluNew(gv, gv.length);
        new Activations.Scalar().geluNew(gs, 0, gs.length);
        Ops.silu(sv, sv.length);
        new Activations.Scalar().silu(ss, 0, ss.length);
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            double gRef = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))), sRef = v / (1 + Math.exp(-v));
            assertEquals(gRef, gv[i], 1e-6 * Math.max(1, Math.abs(gRef)), "gelu_new(" + v + ")");
            assertEquals(sRef, sv[i], 1e-6 * Math.max(1, Math.abs(sRef)), "silu(" + v + ")");
            assertEquals(gs[i], gv[i], Math.ulp(gs[i]), "gelu_new vector vs scalar at " + v);
            assertEquals(ss[i], sv[i], Math.ulp(ss[i]), "silu vector vs scalar at " + v);
        }
        float[] ev = new float[x.length + 2], es = new float[x.length + 2];
        double sumV = Activations.BEST.expShift(x, 3, ev, 1, x.length - 3, 1.5f);
        double sumS = new Activations.Scalar().expShift(x, 3, es, 1, x.length - 3, 1.5f);
        double sumRef = 0;
        for (int i = 3; i < x.length; i++) sumRef += Math.exp((double) (x[i] - 1.5f));
        assertEquals(sumRef, sumV, 1e-12 * sumRef, "returned sum (vector)");
        assertEquals(sumRef, sumS, 1e-12 * sumRef, "returned sum (scalar)");
        for (int i = 0; i < x.length - 3; i++) {
            assertEquals(Math.exp((double) (x[i + 3] - 1.5f)), ev[i + 1], 1e-6 * ev[i + 1], "exp at " + i);
            assertEquals(es[i + 1], ev[i + 1], Math.ulp(es[i + 1]), "exp vector vs scalar at " + i);
        }
        assertEquals(0f, ev[0]);
        assertEquals(0f, ev[x.length - 2]);  // nothing written past n
    }

    @Test
    void layerNormBiasedVarianceAndRms() {
        float[] x = {1, 2, 3, 4, 10, 10, 10, 10};
        float[] scale = new float[2], out = new float[8];
        Ops.layerNormScale(x, 2, 4, 1e-5, scale);
        assertEquals(Math.sqrt(1.25 + 1e-5), scale[0], 1e-6);   // biased variance of 1..4 is 1.25
        assertEquals(Math.sqrt(1e-5), scale[1], 1e-9);
        Ops.layerNormApply(x, 2, 4, scale, new float[]{1, 1, 2, 2}, new float[]{0, 0, 0, 1}, out);
        double s = Math.sqrt(1.25 + 1e-5);
        assertArrayEquals(new float[]{(float) (-1.5 / s), (float) (-0.5 / s), (float) (2 * 0.5 / s), (float) (2 * 1.5 / s + 1), 0, 0, 0, 1}, out, 1e-6f);
        Ops.rmsScale(x, 2, 4, 1e-6, scale);
        assertEquals(Math.sqrt(30 / 4.0 + 1e-6), scale[0], 1e-6);
        Ops.divideRows(x, 2, 4, scale, out);
        assertEquals(1 / Math.sqrt(7.5 + 1e-6), out[0], 1e-7);
    }

    @Test
    void causalSoftmaxMasksAndNormalises() {
        float[] sc = {1, 2, 3, 0, 0, 0};  // [2 queries, 3 keys], offset 1: q0 sees keys 0..1, q1 sees 0..2
        float[] p = new float[6];
        Ops.causalSoftmax(sc, 0, p, 0, 2, 3, 1);
        double e = Math.exp(1);
        assertArrayEquals(new float[]{(float) (1 / (1 + e)), (float) (e / (1 + e)), 0f, 1 / 3f, 1 / 3f, 1 / 3f}, p, 1e-7f);
        Ops.causalMask(sc, 0, 2, 3, 1);
        assertEquals(Float.NEGATIVE_INFINITY, sc[2]);
        assertEquals(0f, sc[5]);
        Ops.causalMask(sc, 0, 2, 3, 0);
        assertEquals(Float.NEGATIVE_INFINITY, sc[1]);
        assertEquals(Float.NEGATIVE_INFINITY, sc[5]);
        assertEquals(0f, sc[4]);
    }

    @Test
    void ropeRotateHalfAndInterleavedPairs() {
        int dHead = 8, rot = 4;                       // partial: dims 4..7 untouched
        float[][] t = Ops.ropeTables(5, rot, 10000);
        float[] x = new float[dHead];
        Random r = new Random(1);
        for (int i = 0; i < dHead; i++) x[i] = (float) r.nextGaussian();
        float[] half = x.clone(), inter = x.clone();
        int pos = 3;
        Ops.rope(half, 1, 1, dHead, rot, new int[]{pos}, t[0], t[1], false);
        Ops.rope(inter, 1, 1, dHead, rot, new int[]{pos}, t[0], t[1], true);
        double[] theta = {pos * 1.0, pos * Math.pow(10000, -2.0 / 4)};
        // rotate-half pairs (0,2), (1,3)
        for (int i = 0; i < 2; i++) {
            double c = Math.cos(theta[i]), s = Math.sin(theta[i]);
            assertEquals(x[i] * c - x[i + 2] * s, half[i], 1e-6);
            assertEquals(x[i + 2] * c + x[i] * s, half[i + 2], 1e-6);
            assertEquals(x[2 * i] * c - x[2 * i + 1] * s, inter[2 * i], 1e-6);
            assertEquals(x[2 * i + 1] * c + x[2 * i] * s, inter[2 * i + 1], 1e-6);
        }
        for (int i = rot; i < dHead; i++) { assertEquals(x[i], half[i]); assertEquals(x[i], inter[i]); }
        float[] at0 = x.clone();
        Ops.rope(at0, 1, 1, dHead, rot, new int[]{0}, t[0], t[1], false);
        assertArrayEquals(x, at0);                     // identity at position 0
    }

    @Test
    void gatherAddBias() {
        float[] table = {0, 1, 10, 11, 20, 21};
        float[] out = new float[4];
        Ops.gather(table, 2, new int[]{2, 0}, out);
        assertArrayEquals(new float[]{20, 21, 0, 1}, out);
        Ops.addBias(out, 2, 2, new float[]{1, -1});
        assertArrayEquals(new float[]{21, 20, 1, 0}, out);
        float[] sum = new float[4];
        Ops.add(out, out, sum, 4);
        Ops.scale(sum, 4, 0.5f);
        assertArrayEquals(out, sum);
    }
}
