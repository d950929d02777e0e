package dev.loupe.sae;

import dev.loupe.util.Rng;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every variant's hand-written backward against central finite differences of its own loss, per
 * parameter along a random direction and at single coordinates. The tolerance (2% relative) is far
 * below the error of a wrong factor or a missing term, so these tests can fail.
 */
class SaeGradientTest {
    static final int D = 6, S = 10, N = 5;

    static Sae make(String variant) { return make(variant, S, 3); }

    static Sae make(String variant, int S, int k) {
        SaeConfig cfg = switch (variant) {
            case "standard" -> SaeConfig.of("standard", D, S, 0, false);
            case "tied" -> SaeConfig.of("standard", D, S, 0, true);
            case "topk" -> SaeConfig.of("topk", D, S, k, false);
            case "batchtopk" -> SaeConfig.of("batchtopk", D, S, k, false);
            case "jumprelu" -> SaeConfig.of("jumprelu", D, S, 0, false);
            case "gated" -> SaeConfig.of("gated", D, S, 0, false);
            default -> throw new IllegalArgumentException(variant);
        };
        Rng rng = new Rng(42);
        Sae sae = Saes.init(cfg, rng, 0.3);
        for (Param p : sae.params()) {
            if (p.name().equals("log_threshold")) {
                for (int i = 0; i < p.data().length; i++) p.data()[i] = (float) Math.log(0.2 + 0.2 * rng.nextDouble());
                continue;
            }
            // Non-unit decoder norms and non-zero biases exercise every term of the backward.
            for (int i = 0; i < p.data().length; i++) p.data()[i] += (float) (0.3 * rng.nextGaussian());
        }
        return sae;
    }

    static float[] data(long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    static double loss(Sae sae, float[] x, StepCoefficients c, boolean[] dead) {
        float[][] g = grads(sae);
        return sae.step(x, N, c, dead, g, new boolean[sae.dFeatures()]).loss();
    }

    static float[][] grads(Sae sae) {
        List<Param> ps = sae.params();
        float[][] g = new float[ps.size()][];
        for (int i = 0; i < g.length; i++) g[i] = new float[ps.get(i).data().length];
        return g;
    }

    static void check(double fd, double an, String what) {
        double tol = 2e-3 + 2e-2 * Math.max(Math.abs(fd), Math.abs(an));
        assertTrue(Math.abs(fd - an) <= tol, what + ": finite difference " + fd + " vs backward " + an);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "tied", "topk", "batchtopk", "jumprelu", "gated"})
    void backwardMatchesFiniteDifferences(String variant) {
        Sae sae = make(variant);
        float[] x = data(7);
        // AuxK's target residual is detached, so the total loss is only FD-checkable without it;
        // auxKGradientOnDeadFeatures checks the AuxK part.
        boolean[] dead = null;
        StepCoefficients c = new StepCoefficients(0.7, 0.0, 0.05);
        float[][] g = grads(sae);
        sae.step(x, N, c, dead, g, new boolean[S]);
        Rng r = new Rng(99);
        List<Param> ps = sae.params();
        double h = Double.parseDouble(System.getProperty("fdh", "1e-3"));
        for (int pi = 0; pi < ps.size(); pi++) {
            Param p = ps.get(pi);
            if (p.name().equals("log_threshold")) continue;   // straight-through, tested by hand below
            float[] w = p.data();
            double gnorm = 0;
            for (float v : g[pi]) gnorm += v * v;
            assertTrue(gnorm > 0, variant + " " + p.name() + " receives no gradient");
            // directional derivative along a random unit direction
            double[] v = new double[w.length];
            double vn = 0;
            for (int i = 0; i < v.length; i++) { v[i] = r.nextGaussian(); vn += v[i] * v[i]; }
            vn = Math.sqrt(vn);
            float[] orig = w.clone();
            for (int i = 0; i < w.length; i++) w[i] = (float) (orig[i] + h * v[i] / vn);
            double lp = loss(sae, x, c, dead);
            for (int i = 0; i < w.length; i++) w[i] = (float) (orig[i] - h * v[i] / vn);
            double lm = loss(sae, x, c, dead);
            System.arraycopy(orig, 0, w, 0, w.length);
            double an = 0;
            for (int i = 0; i < w.length; i++) an += g[pi][i] * v[i] / vn;
            check((lp - lm) / (2 * h), an, variant + " " + p.name() + " (direction)");
            // three single coordinates with the largest gradients
            for (int t = 0; t < 3; t++) {
                int best = 0;
                for (int i = 0; i < w.length; i++) if (Math.abs(g[pi][i]) > Math.abs(g[pi][best]) && (t == 0 || i % 3 == t)) best = i;
                w[best] = (float) (orig[best] + h);
                lp = loss(sae, x, c, dead);
                w[best] = (float) (orig[best] - h);
                lm = loss(sae, x, c, dead);
                w[best] = orig[best];
                check((lp - lm) / (2 * h), g[pi][best], variant + " " + p.name() + "[" + best + "]");
            }
        }
    }

    /**
     * AuxK: perturbing only the encoder columns / decoder rows of dead features that did not fire in the
     * main top-k leaves x̂ (and so the detached residual) unchanged, so there the total loss's finite
     * difference is exactly the AuxK gradient.
     */
    @ParameterizedTest
    @ValueSource(strings = {"topk", "batchtopk"})
    void auxKGradientOnDeadFeatures(String variant) {
        int S = 24;
        Sae sae = make(variant, S, 1);
        float[] x = data(11);
        boolean[] dead = new boolean[S];
        for (int i = 0; i < S; i += 2) dead[i] = true;
        StepCoefficients c = new StepCoefficients(0, 0.5, 0.05);
        float[][] g = grads(sae);
        boolean[] fired = new boolean[S];
        StepResult res = sae.step(x, N, c, dead, g, fired);
        assertTrue(res.aux() > 0, "AuxK loss must be active with dead features");
        double h = 1e-3;
        int checked = 0;
        for (int f = 0; f < S; f++) {
            if (!dead[f] || fired[f]) continue;
            for (String name : new String[]{"W_enc", "W_dec", "b_enc"}) {
                Param p = sae.param(name);
                float[] w = p.data();
                int pi = sae.params().indexOf(p);
                int[] coords = switch (name) {
                    case "W_enc" -> new int[]{0 * S + f, 3 * S + f};
                    case "W_dec" -> new int[]{f * D, f * D + 4};
                    default -> new int[]{f};
                };
                for (int i : coords) {
                    float o = w[i];
                    w[i] = (float) (o + h);
                    double lp = loss(sae, x, c, dead);
                    w[i] = (float) (o - h);
                    double lm = loss(sae, x, c, dead);
                    w[i] = o;
                    check((lp - lm) / (2 * h), g[pi][i], variant + " AuxK " + name + "[" + i + "]");
                    checked++;
                }
            }
        }
        assertTrue(checked >= 5, "too few dead-and-silent features to check: " + checked);
    }

    @Test
    void wrongGradientWouldFail() {
        assertThrows(AssertionError.class, () -> check(1.0, 1.05, "scaled by 1.05"));
    }

    /** d_in = d_sae = 1, W_enc = 1, W_dec = 2, θ = 1, ε = 0.5, λ = 0.1, x = 1.1: worked out by hand. */
    @Test
    void jumpReluThresholdGetsStraightThroughGradient() {
        JumpReluSae sae = new JumpReluSae(SaeConfig.of("jumprelu", 1, 1, 0, false));
        sae.param("W_enc").data()[0] = 1f;
        sae.param("W_dec").data()[0] = 2f;
        sae.setThreshold(new float[]{1f});
        float[][] g = grads(sae);
        StepResult res = sae.step(new float[]{1.1f}, 1, new StepCoefficients(0.1, 0, 0.5), null, g, new boolean[1]);
        // pre = 1.1 > θ, f = 1.1, x̂ = 2.2, e = 1.1, ∂L/∂x̂ = 2.2, ∂L/∂f = 4.4; (pre − θ)/ε = 0.2 is inside the kernel:
        // ∂L/∂θ = −(θ/ε)·4.4 − λ/ε = −8.8 − 0.2 = −9.0, and ∂L/∂log θ = θ·∂L/∂θ = −9.0.
        assertEquals(1.1 * 1.1 + 0.1, res.loss(), 1e-6);
        assertEquals(-9.0, g[sae.params().indexOf(sae.param("log_threshold"))][0], 1e-5);
        // outside the kernel window (pre − θ = 1 > ε/2) the threshold gets nothing
        sae.step(new float[]{2f}, 1, new StepCoefficients(0.1, 0, 0.5), null, g, new boolean[1]);
        assertEquals(0.0, g[sae.params().indexOf(sae.param("log_threshold"))][0], 0.0);
    }

    @Test
    void topkSelectsLargestAndBatchTopkSharesBudget() {
        float[] pre = {0.5f, 3f, -1f, 2f, 2f, 0.1f};
        int[] out = new int[2];
        int m = SparseCodes.topK(pre, 0, 6, 2, null, out);
        java.util.Arrays.sort(out, 0, m);
        assertArrayEquals(new int[]{1, 3}, out);   // tie 2f/2f keeps the lower index
        assertEquals(2f, BatchTopKSae.kthLargest(new float[]{1, 5, 3, 2, 4}, 4));
    }
}
