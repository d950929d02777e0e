package dev.loupe.lm;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused vector attention against the GEMM version (which Gpt2Test ties to HF and
 * LayersGradientTest to finite differences): pattern, output and qkv gradient, at the loupe-1l shape
 * and at lengths that leave partial row blocks and partial vectors.
 */
class VectorAttentionTest {
    @ParameterizedTest
    @CsvSource({"2, 128, 128, 4", "1, 37, 64, 2", "3, 6, 32, 1", "1, 1, 32, 1"})
    void fusedKernelMatchesTheGemmVersion(int b, int t, int d, int h) {
        AttentionKernel vec = AttentionKernel.VECTOR;
        assertNotNull(vec, "surefire runs with the Vector API module, so the fused kernel must load");
        assertTrue(vec.supports(d / h));
        var r = new Random(7);
        int n = b * t;
        float[] qkv = LayersGradientTest.randn(r, n * 3 * d, 1f), dout = LayersGradientTest.randn(r, n * d, 1f);
        float[] outG = new float[n * d], attG = new float[b * h * t * t], dqkvG = LayersGradientTest.randn(r, n * 3 * d, 1f);
        float[] outV = new float[n * d], attV = new float[b * h * t * t], dqkvV = new float[n * 3 * d];
        java.util.Arrays.fill(dqkvV, Float.NaN);   // backward overwrites: every entry must be written (G starts random, V NaN)
        Layers.gemmAttentionForward(outG, attG, qkv, b, t, d, h);
        Layers.gemmAttentionBackward(dqkvG, new float[attG.length], dout, qkv, attG, b, t, d, h);
        vec.forward(outV, attV, qkv, b, t, d, h);
        vec.backward(dqkvV, dout, qkv, attV, b, t, d, h);
        assertClose("pattern", attG, attV);
        assertClose("out", outG, outV);
        assertClose("dqkv", dqkvG, dqkvV);
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * (1 + Math.abs(expected[i])), what + "[" + i + "]");
        }
    }
}
