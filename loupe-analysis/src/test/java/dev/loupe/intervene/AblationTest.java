package dev.loupe.intervene;

import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.LinearDictionary;
import dev.loupe.model.Hook;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Ablation on models/loupe-1l's MLP neurons (hook_post, 512 wide) and on hand-built dictionaries. */
class AblationTest {
    static final String MLP = "blocks.0.mlp.hook_post";

    static List<int[]> prompts() {
        Tokenizer tok = TestModels.loupe1lTokenizer();
        return List.of(tok.encode("public static int max(int a, int b) { return a > b ? a : b; }", true),
                tok.encode("for (int i = 0; i < n; i++) {\n    sum += values[i];\n}", true),
                tok.encode("import java.util.List;\nimport java.util.Map;", true));
    }

    /** Mean next-token loss over the prompts with neuron {@code j} of the MLP set to {@code value}, by a hand-written hook. */
    static double lossWithNeuron(int j, float value) {
        Transformer m = TestModels.loupe1l();
        double loss = 0;
        for (int[] p : prompts()) {
            Hook h = (act, ctx) -> {
                Tensor o = act.copy();
                for (int s = 0; s < p.length; s++) o.data()[s * 512 + j] = value;
                return o;
            };
            loss += Transformer.loss(m.runWithHooks(new int[][]{p}, Map.of(MLP, h)), new int[][]{p}) / 3;
        }
        return loss;
    }

    @Test void zeroAndMeanAblationOfNeuronsMatchHandWrittenHooks() {
        Transformer m = TestModels.loupe1l();
        var zero = Ablation.onPrompts(m, MLP, "neurons", Baselines.neuronBasis(512), new int[]{3, 100}, Ablation.Method.ZERO, prompts(), 1);
        var mean = Ablation.onPrompts(m, MLP, "neurons", Baselines.neuronBasis(512), new int[]{3, 100}, Ablation.Method.MEAN, prompts(), 1);
        double clean = prompts().stream().mapToDouble(p -> Transformer.loss(m.forward(new int[][]{p}), new int[][]{p})).sum() / 3;
        assertEquals(clean, zero.cleanLoss(), 1e-9);
        for (int i = 0; i < 2; i++) {
            var z = zero.features().get(i);
            assertEquals(lossWithNeuron(z.feature(), 0f), z.loss(), 1e-5);
            assertEquals(z.loss() - clean, z.dLoss(), 1e-9);
            var mn = mean.features().get(i);
            assertEquals(lossWithNeuron(mn.feature(), (float) mn.meanCode()), mn.loss(), 1e-5);
            assertTrue(Double.isNaN(z.logitDiff()), "no answers, no logit difference");
        }
    }

    @Test void zeroAblatingAFeatureWithZeroDecoderNormChangesNothing() {
        Transformer m = TestModels.loupe1l();
        int d = 512;
        float[] enc = new float[2 * d], dec = new float[2 * d];
        for (int k = 0; k < d; k++) { enc[k] = 1f / d; enc[d + k] = 1f / d; dec[d + k] = 1f / (float) Math.sqrt(d); }   // feature 0: decoder row 0
        var dict = new LinearDictionary("test", d, 2, enc, dec, new float[d], true, 0);
        var r = Ablation.onPrompts(m, MLP, "test", dict, new int[]{0, 1}, Ablation.Method.ZERO, prompts(), 1);
        var dead = r.features().get(0);
        assertTrue(dead.meanCode() > 0, "the feature fires (mean code " + dead.meanCode() + ")");
        assertEquals(0.0, dead.dLoss());
        assertEquals(0.0, dead.kl());
        var live = r.features().get(1);
        assertEquals(dead.meanCode(), live.meanCode(), 1e-6, "same encoder, same codes");
        assertTrue(live.kl() > 1e-4, "the same feature with a decoder direction does change the output: " + live.kl());
    }

    @Test void resampleIsSeededAndTaskAblationReportsTheLogitDifference() {
        Transformer m = TestModels.loupe1l();
        var a = Ablation.onPrompts(m, MLP, "neurons", Baselines.neuronBasis(512), new int[]{3}, Ablation.Method.RESAMPLE, prompts(), 5);
        var b = Ablation.onPrompts(m, MLP, "neurons", Baselines.neuronBasis(512), new int[]{3}, Ablation.Method.RESAMPLE, prompts(), 5);
        assertEquals(a.features().get(0).loss(), b.features().get(0).loss());
        Tokenizer tok = TestModels.loupe1lTokenizer();
        var pairs = PromptTasks.encode(List.of(new PromptTasks.PromptPair("int x = 1; int", "long x = 1; long", " y", " z")), tok);
        var t = Ablation.onTask(m, MLP, "neurons", Baselines.neuronBasis(512), new int[]{3}, Ablation.Method.ZERO, pairs, 1);
        var e = pairs.get(0);
        float[] logits = m.forward(new int[][]{e.base()}).data();
        int off = (e.base().length - 1) * 4096;
        assertEquals(logits[off + e.targetAnswer()] - logits[off + e.baseAnswer()], t.cleanLogitDiff(), 1e-5);
        assertEquals(t.features().get(0).logitDiff() - t.cleanLogitDiff(), t.features().get(0).dLogitDiff(), 1e-9);
    }
}
