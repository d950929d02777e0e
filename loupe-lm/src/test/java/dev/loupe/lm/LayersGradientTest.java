package dev.loupe.lm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every hand-written backward in {@link Layers} against central finite differences of a scalar
 * probe loss {@code L = Σ r ⊙ out} (r random, so every output element matters). fp32 forward with a
 * double-precision sum; step h = 1e-2 keeps rounding noise (~1e-5) far below the tolerance, and the
 * tolerance (2e-3 of the largest gradient) is far below the O(1) error of any wrong formula.
 */
class LayersGradientTest {
    static final float H = 1e-2f;
    static final double TOL = 2e-3;

    static float[] randn(Random r, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian() * scale;
        return x;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** Asserts analytic[i] matches the central difference of loss w.r.t. x[i] for every i. */
    static void check(String what, float[] x, float[] analytic, DoubleSupplier loss) {
        double[] numeric = new double[x.length];
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            float old = x[i];
            x[i] = old + H;
            double lp = loss.getAsDouble();
            x[i] = old - H;
            double lm = loss.getAsDouble();
            x[i] = old;
            numeric[i] = (lp - lm) / (2 * H);
            max = Math.max(max, Math.abs(numeric[i]));
        }
        assertTrue(max > 1e-3, what + ": gradient is all ~0, the check would prove nothing");
        for (int i = 0; i < x.length; i++) {
            double err = Math.abs(analytic[i] - numeric[i]) / max;
            assertTrue(err < TOL, what + "[" + i + "]: analytic " + analytic[i] + " vs numeric " + numeric[i] + " (normalised error " + err + ")");
        }
    }

    @Test void encoder() {
        var r = new Random(1);
        int v = 7, t = 3, d = 4, n = 6;
        int[] tokens = {1, 5, 1, 0, 6, 1};
        float[] p = randn(r, v * d + t * d, 1f), dout = randn(r, n * d, 1f), out = new float[n * d];
        float[] g = new float[p.length];
        Layers.encoderBackward(g, 0, v * d, dout, tokens, n, t, d);
        check("encoder params", p, g, () -> { Layers.encoderForward(out, tokens, p, 0, v * d, n, t, d); return dot(out, dout); });
    }

    @Test void layernorm() {
        var r = new Random(2);
        int n = 5, d = 8;
        float[] x = randn(r, n * d, 2f), p = randn(r, 2 * d, 1f), dout = randn(r, n * d, 1f);
        float[] out = new float[n * d], mean = new float[n], rstd = new float[n];
        DoubleSupplier loss = () -> { Layers.layernormForward(out, mean, rstd, x, p, 0, d, n, d, 1e-5f); return dot(out, dout); };
        loss.getAsDouble();
        float[] dx = new float[n * d], g = new float[2 * d];
        Layers.layernormBackward(dx, g, 0, d, dout, x, p, mean, rstd, n, d);
        check("layernorm input", x, dx, loss);
        check("layernorm weight+bias", p, g, loss);
        loss.getAsDouble();   // the forward itself: (out−b)/w has mean 0 and unit biased variance per row
        for (int i = 0; i < n; i++) {
            double s = 0, s2 = 0;
            for (int j = 0; j < d; j++) { double z = (out[i * d + j] - p[d + j]) / p[j]; s += z; s2 += z * z; }
            assertEquals(0, s / d, 1e-5);
            assertEquals(1, s2 / d, 1e-3);
        }
    }

    @Test void matmul() {
        var r = new Random(3);
        int n = 6, c = 5, oc = 7;
        float[] x = randn(r, n * c, 1f), p = randn(r, c * oc + oc, 1f), dout = randn(r, n * oc, 1f), out = new float[n * oc];
        DoubleSupplier loss = () -> { Layers.matmulForward(out, x, p, 0, c * oc, n, c, oc); return dot(out, dout); };
        float[] dx = new float[n * c], g = new float[p.length];
        Layers.matmulBackward(dx, true, g, 0, c * oc, dout, x, p, n, c, oc);
        check("matmul input", x, dx, loss);
        check("matmul weight+bias", p, g, loss);
        float[] over = new float[n * c];   // overwrite mode: whatever the array held before is gone
        java.util.Arrays.fill(over, Float.NaN);
        Layers.matmulBackward(over, false, new float[p.length], 0, c * oc, dout, x, p, n, c, oc);
        assertArrayEquals(dx, over, 1e-6f);
        loss.getAsDouble();   // hand check of one entry: out[1,2] = Σ_k x[1,k]·W[k,2] + b[2]
        double e = p[c * oc + 2];
        for (int k = 0; k < c; k++) e += x[c + k] * p[k * oc + 2];
        assertEquals(e, out[oc + 2], 1e-5);
    }

    /**
     * Tiny heads and Dh 10 (the GEMM version), and Dh 32 (the fused {@link VectorAttention}) with T 9:
     * rows longer than one vector and a last block of rows that is not full.
     */
    @ParameterizedTest
    @CsvSource({"2, 5, 2, 6", "1, 19, 2, 20", "1, 9, 2, 64"})
    void attention(int b, int t, int h, int d) {
        var r = new Random(4);
        int n = b * t;
        float[] qkv = randn(r, n * 3 * d, 1f), dout = randn(r, n * d, 1f);
        float[] out = new float[n * d], att = new float[b * h * t * t];
        DoubleSupplier loss = () -> { Layers.attentionForward(out, att, qkv, b, t, d, h); return dot(out, dout); };
        loss.getAsDouble();
        float[] dqkv = new float[qkv.length];
        java.util.Arrays.fill(dqkv, Float.NaN);   // overwritten, not accumulated: every entry must be written
        Layers.attentionBackward(dqkv, new float[att.length], dout, qkv, att, b, t, d, h);
        check("attention qkv", qkv, dqkv, loss);
        loss.getAsDouble();
        for (int row = 0; row < b * h * t; row++) {   // causal: zero above the diagonal, rows sum to 1
            int t1 = row % t;
            double s = 0;
            for (int t2 = 0; t2 < t; t2++) {
                if (t2 > t1) assertEquals(0f, att[row * t + t2]);
                s += att[row * t + t2];
            }
            assertEquals(1, s, 1e-6);
        }
        // position 0 attends only to itself, so its output is its own value vector
        for (int j = 0; j < d; j++) assertEquals(qkv[2 * d + j], out[j], 1e-6);
    }

    @Test void gelu() {
        var r = new Random(5);
        int n = 40;
        float[] x = randn(r, n, 2f), dout = randn(r, n, 1f), out = new float[n];
        DoubleSupplier loss = () -> { Layers.activationForward(Gpt2Config.Activation.GELU_NEW, out, x, n); return dot(out, dout); };
        float[] dx = new float[n];
        java.util.Arrays.fill(dx, Float.NaN);   // overwritten, not accumulated
        Layers.activationBackward(Gpt2Config.Activation.GELU_NEW, dx, x, dout, n);
        check("gelu_new", x, dx, loss);
        float[] one = {1f}, y = new float[1];   // gelu_new(1) = 0.5·(1 + tanh(√(2/π)·1.044715)) = 0.841192
        Layers.activationForward(Gpt2Config.Activation.GELU_NEW, y, one, 1);
        assertEquals(0.8411920, y[0], 1e-6);
    }

    @Test void relu() {
        var r = new Random(6);
        int n = 40;
        float[] x = randn(r, n, 2f), dout = randn(r, n, 1f), out = new float[n];
        for (int i = 0; i < n; i++) x[i] += Math.copySign(0.1f, x[i]);   // keep away from the kink
        DoubleSupplier loss = () -> { Layers.activationForward(Gpt2Config.Activation.RELU, out, x, n); return dot(out, dout); };
        float[] dx = new float[n];
        java.util.Arrays.fill(dx, Float.NaN);   // overwritten, not accumulated
        Layers.activationBackward(Gpt2Config.Activation.RELU, dx, x, dout, n);
        check("relu", x, dx, loss);
    }

    /** Hand case: logits [0, ln 3] (probabilities 1/4, 3/4), target 0: loss ln 4, dlogits [−3/4, 3/4]. */
    @Test void crossEntropyByHand() {
        float[] x = {1f, 0f}, wte = {0f, 0f, (float) Math.log(3), 0f}, losses = new float[1], dx = new float[2], g = new float[4];
        var classifier = new ChunkedClassifier(ChunkedClassifier.CHUNK, 2, 2);
        classifier.forwardBackward(x, wte, 0, new int[]{0}, 1, 1f, losses, dx);
        classifier.writeWeightGradient(g, 0);
        assertEquals(Math.log(4), losses[0], 1e-6);
        assertEquals(0.75 * Math.log(3), dx[0], 1e-6);   // dx = dlogits·wte
        assertEquals(0f, dx[1], 1e-7);
        assertEquals(-0.75f, g[0], 1e-7);                // dwte = dlogitsᵀ·x
        assertEquals(0.75f, g[2], 1e-7);
        assertEquals(0f, g[1], 1e-7);
    }

    /** The chunked unembedding + cross-entropy backward against finite differences of the mean cross-entropy of x·wteᵀ (chunks of 2 rows, a partial last chunk, a row without target). */
    @Test void unembedding() {
        var r = new Random(9);
        int n = 5, d = 3, v = 7;
        float[] x = randn(r, n * d, 1f), p = randn(r, v * d, 1f), losses = new float[n], dx = new float[n * d], g = new float[v * d];
        int[] targets = {2, 6, -1, 2, 0};
        var classifier = new ChunkedClassifier(2, d, v);
        DoubleSupplier loss = () -> {
            classifier.forwardBackward(x, p, 0, targets, n, 0.25f, losses, new float[n * d]);
            double s = 0;
            for (float l : losses) s += l;
            return s / 4;   // 4 rows with a target
        };
        classifier.forwardBackward(x, p, 0, targets, n, 0.25f, losses, dx);
        classifier.writeWeightGradient(g, 0);
        check("unembedding input", x, dx, loss);
        check("unembedding weight", p, g, loss);
    }
}
