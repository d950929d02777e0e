// The closed-form switch-off point of AffineEncoder on a hand-computed topk case: d_in 2, three
// features, W_enc columns (1,0), (0,1), (0.5,1), zero biases, x = (3, 0.5), so pre = (3, 0.5, 2);
// ablating feature 0 along d_0 = (1, 0) gives pre(a) = (3 - a, 0.5, 2 - 0.5a). Feature 2 overtakes
// it at a = 2, feature 1 at a = 2.5 and it reaches zero at a = 3: alpha is 2, 2.5, 3 for k = 1, 2, 3.
// RankOneAblation must return those (to its tolerance), with the closed form and the search agreeing.
package dev.loupe.features;

import dev.loupe.sae.SaeConfig;
import dev.loupe.sae.Saes;
import dev.loupe.sae.Sae;
import dev.loupe.util.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

class AffineEncoderTest {
    @ParameterizedTest
    @CsvSource({"1, 2.0", "2, 2.5", "3, 3.0"})
    void topkSwitchOffIsTheKthCrossing(int k, double expected) {
        Sae sae = Saes.init(SaeConfig.of("topk", 2, 3, k, false), new Rng(1), 0);
        System.arraycopy(new float[] {1, 0, 0.5f, 0, 1, 1}, 0, sae.param("W_enc").data(), 0, 6);   // [d_in, d_sae]
        System.arraycopy(new float[] {1, 0, 0, 1, 0.6f, 0.8f}, 0, sae.param("W_dec").data(), 0, 6);
        java.util.Arrays.fill(sae.param("b_enc").data(), 0f);
        java.util.Arrays.fill(sae.param("b_dec").data(), 0f);
        AffineEncoder enc = AffineEncoder.of(sae);
        assertNotNull(enc, "topk has an affine encoder");
        float[] x = {3, 0.5f};
        float[] pre = enc.pre(x, 1), slope = enc.slopes(sae.direction(0), 1);
        assertArrayEquals(new float[] {3, 0.5f, 2}, pre, 1e-6f);
        assertArrayEquals(new float[] {1, 0, 0.5f}, slope, 1e-6f);
        assertEquals(expected, enc.switchOff(pre, 0, slope, 0, 0), 1e-9);
        float alpha = RankOneAblation.alphas(sae, x, new int[] {0})[0];
        assertEquals(expected, alpha, expected * RankOneAblation.TOLERANCE);
        assertTrue(alpha >= expected, "alpha is the upper end of the bracket");
    }
}
