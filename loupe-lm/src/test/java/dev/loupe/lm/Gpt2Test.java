package dev.loupe.lm;

import dev.loupe.util.Rng;

import dev.loupe.io.SafeTensors;
import dev.loupe.tensor.Tensor;
import dev.loupe.testutil.Shared;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole trainer model: (1) loaded from the HF gpt2-tiny golden fixture through {@link HfGpt2},
 * its forward reproduces the fixture's logits and loss, which proves both the forward semantics and
 * the HF tensor-layout mapping; (2) its full backward matches central finite differences on a sample
 * of entries from every parameter tensor.
 */
class Gpt2Test {

    @Test void reproducesHfGpt2FixtureLogitsAndLoss() {
        Gpt2 model = HfGpt2.read(Shared.path("fixtures/models/gpt2-tiny"));
        assertEquals(Gpt2Config.Activation.GELU_NEW, model.config().act());
        try (SafeTensors exp = SafeTensors.open(Shared.path("fixtures/models/gpt2-tiny/expected.safetensors"))) {
            for (String seq : new String[]{"seq0", "seq1", "seq2"}) {
                int[] ids = Arrays.stream(exp.longs(seq + ".input_ids")).mapToInt(Math::toIntExact).toArray();
                Tensor logits = model.logits(ids);
                Tensor want = exp.tensor(seq + ".logits");
                assertTrue(Arrays.equals(want.shape(), logits.shape()));
                double err = normalisedMaxError(logits.data(), want.data());
                assertTrue(err <= 1e-5, seq + " logits normalised max error " + err);
                if (ids.length > 1) {
                    int[] targets = new int[ids.length];
                    for (int i = 0; i < ids.length; i++) targets[i] = i + 1 < ids.length ? ids[i + 1] : -1;
                    double loss = model.forward(ids, targets, 1, ids.length);
                    assertEquals(exp.scalarDouble(seq + ".loss"), loss, 1e-5, seq + " loss");
                    assertEquals(exp.scalarDouble(seq + ".loss"), model.loss(ids, targets, 1, ids.length), 1e-5, seq + " evaluation loss");
                    assertThrows(IllegalStateException.class, model::backward, "loss() prepares no backward");
                }
            }
        }
    }

    static double normalisedMaxError(float[] actual, float[] expected) {
        double num = 0, den = 0;
        for (int i = 0; i < expected.length; i++) {
            num = Math.max(num, Math.abs(actual[i] - expected[i]));
            den = Math.max(den, Math.abs(expected[i]));
        }
        return num / den;
    }

    @Test void backwardMatchesFiniteDifferencesForEveryTensor() {
        // gelu_new only: with ReLU a ±h step can cross the kink of some hidden unit and the finite
        // difference itself is wrong; ReLU's backward is checked away from the kink in LayersGradientTest.
        for (var act : new Gpt2Config.Activation[]{Gpt2Config.Activation.GELU_NEW}) {
            var cfg = new Gpt2Config(11, 6, 2, 8, 2, 12, act, 1e-5f);
            Gpt2 model = new Gpt2(cfg);
            model.initialize(new Rng(42));
            var r = new Random(9);
            float[] p = model.params();
            for (int i = 0; i < p.length; i++) p[i] += (float) (r.nextGaussian() * 0.3);  // break the init's symmetries (zero biases, unit LN)
            int b = 2, t = 5;
            int[] in = new int[b * t], tg = new int[b * t];
            for (int i = 0; i < in.length; i++) { in[i] = r.nextInt(11); tg[i] = r.nextInt(11); }
            tg[3] = -1;
            model.forward(in, tg, b, t);
            model.backward();
            float[] g = model.grads().clone();
            for (ParamLayout.Slice s : model.layout().slices()) {
                double maxNum = 0, maxErr = 0;
                for (int k = 0; k < 6; k++) {
                    int idx = s.offset() + r.nextInt(s.size());
                    float old = p[idx];
                    float h = 1e-2f;
                    p[idx] = old + h;
                    double lp = model.forward(in, tg, b, t);
                    p[idx] = old - h;
                    double lm = model.forward(in, tg, b, t);
                    p[idx] = old;
                    double num = (lp - lm) / (2 * h);
                    maxNum = Math.max(maxNum, Math.abs(num));
                    maxErr = Math.max(maxErr, Math.abs(num - g[idx]));
                }
                // fp32 forward: loss rounding ~1e-7 / 2h gives ~1e-5 noise; wrong formulas give O(gradient) errors
                assertTrue(maxErr <= 2e-3 * maxNum + 3e-5, act + " " + s.hfName() + ": max |analytic − numeric| " + maxErr + " with max |numeric| " + maxNum);
            }
        }
    }
}
