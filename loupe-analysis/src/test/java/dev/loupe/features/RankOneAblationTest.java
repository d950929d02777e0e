// The rank-one ablation stops the feature exactly: for every firing (row, feature) of several
// dictionary kinds, encode(x - alpha d)[f] is 0 and encode(x - alpha (1 - 2 TOL) d)[f] is still
// positive (alpha is minimal to the tolerance). For the neuron basis alpha is the activation itself.
// The SAE variants get their alpha from AffineEncoder's closed form, with no search left over.
package dev.loupe.features;

import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.sae.SaeConfig;
import dev.loupe.sae.Saes;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RankOneAblationTest {
    static final int D = 16, F = 24, N = 12;

    static Dictionary dictionary(String kind) {
        Rng r = new Rng(3);
        return switch (kind) {
            case "neurons" -> Baselines.neuronBasis(D);
            case "random" -> Baselines.randomDirections(D, F, 5);
            case "topk" -> Saes.init(SaeConfig.of("topk", D, F, 4, false), r, 0);
            case "jumprelu" -> Saes.init(SaeConfig.of("jumprelu", D, F, 0, false), r, 0.3);
            default -> {   // standard, untied, with random biases and a non-tied encoder: slope != 1
                var sae = Saes.init(SaeConfig.of("standard", D, F, 0, false), r, 0);
                float[] w = sae.param("W_enc").data(), b = sae.param("b_enc").data();
                for (int i = 0; i < w.length; i++) w[i] = w[i] * 0.8f + (float) r.nextGaussian() * 0.05f;
                for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian() * 0.1f;
                yield sae;
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "neurons", "random", "topk", "jumprelu"})
    void stopsTheFeatureAndNoEarlier(String kind) {
        Dictionary d = dictionary(kind);
        Rng r = new Rng(11);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] codes = d.encode(new Tensor(x, N, D)).data();
        List<Integer> rows = new ArrayList<>(), feats = new ArrayList<>();
        for (int n = 0; n < N; n++) for (int f = 0; f < d.dFeatures(); f++) if (codes[n * d.dFeatures() + f] > 0) { rows.add(n); feats.add(f); }
        assertTrue(rows.size() >= N, kind + ": enough firing entries to test");
        float[] xs = new float[rows.size() * D];
        int[] fs = new int[rows.size()];
        for (int k = 0; k < rows.size(); k++) {
            System.arraycopy(x, rows.get(k) * D, xs, k * D, D);
            fs[k] = feats.get(k);
        }
        float[] alpha = RankOneAblation.alphas(d, xs, fs);
        int[] searched = RankOneAblation.unsettled(d, xs, fs);
        if (!kind.equals("neurons") && !kind.equals("random"))
            assertEquals(0, searched.length, kind + ": the closed form settles every row, no search needed");
        for (int k = 0; k < fs.length; k++) {
            float[] row = java.util.Arrays.copyOfRange(xs, k * D, (k + 1) * D), dir = d.direction(fs[k]);
            assertTrue(alpha[k] > 0, kind + ": alpha " + alpha[k]);
            float off = code(d, RankOneAblation.ablate(row, dir, alpha[k]), fs[k]);
            float on = code(d, RankOneAblation.ablate(row, dir, (float) (alpha[k] * (1 - 2 * RankOneAblation.TOLERANCE))), fs[k]);
            assertFalse(off > 0, kind + ": feature " + fs[k] + " still fires (" + off + ") after ablating alpha " + alpha[k]);
            assertTrue(on > 0, kind + ": alpha " + alpha[k] + " is not minimal, feature already off just before");
            if (kind.equals("neurons")) assertEquals(codes[rows.get(k) * D + fs[k]], alpha[k], 0f, "neuron basis: alpha is the activation");
        }
    }

    private static float code(Dictionary d, float[] row, int f) {
        return d.encode(new Tensor(row, 1, d.dIn())).data()[f];
    }
}
