package dev.loupe.interp;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.model.ActivationCache;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bills's ablation score: JSD on hand-made distributions, and planted replacements on loupe-1l's MLP neurons. */
class AblationScoreTest {
    @Test void jensenShannonInBitsOnHandCases() {
        assertEquals(1.0, AblationScore.jsd(new double[] {1, 0}, new double[] {0, 1}), 1e-12);
        assertEquals(0.0, AblationScore.jsd(new double[] {0.2, 0.8}, new double[] {0.2, 0.8}), 1e-15);
        // m = (0.75, 0.25): ½[½ln(0.5/0.75) + ½ln(0.5/0.25)] + ½ln(1/0.75) = 0.215762 nats = 0.311278 bits
        assertEquals(0.311278, AblationScore.jsd(new double[] {0.5, 0.5}, new double[] {1, 0}), 1e-6);
    }

    @Test void truthScoresOneMeanScoresZero() {
        Path dir = Path.of("..", "models", "loupe-1l");
        Transformer model = ModelLoader.load(dir);
        Tokenizer tok = Tokenizers.load(dir.resolve("tokenizer.json"));
        String hook = "blocks.0.mlp.hook_post";
        int[] ids = tok.encode("public static void main(String[] args) { int count = 0; for (int i = 0; i < args.length; i++) count++; }", false);
        ActivationCache cache = model.runWithCache(new int[][] {ids}, List.of(hook));
        Tensor post = cache.get(hook);  // [1, seq, d_mlp]
        int dMlp = model.config().dMlp(), seq = ids.length;
        // the neuron that varies most over this text, so replacing it by its mean matters
        int best = 0;
        double bestVar = -1;
        for (int n = 0; n < dMlp; n++) {
            double m = 0, v = 0;
            for (int t = 0; t < seq; t++) m += post.data()[t * dMlp + n] / seq;
            for (int t = 0; t < seq; t++) v += Math.pow(post.data()[t * dMlp + n] - m, 2);
            if (v > bestVar) { bestVar = v; best = n; }
        }
        float[] acts = new float[seq];
        double sum = 0;
        for (int t = 0; t < seq; t++) { acts[t] = post.data()[t * dMlp + best]; sum += acts[t]; }
        double mean = sum / seq;
        String[] toks = new String[seq];
        for (int t = 0; t < seq; t++) toks[t] = tok.decode(new int[] {ids[t]}, false);
        ActivationRecord rec = new ActivationRecord(toks, acts, ids, 0);
        float[] unit = new float[dMlp];
        unit[best] = 1;
        double[] truth = new double[seq];
        for (int t = 0; t < seq; t++) truth[t] = acts[t];

        AblationScore.Result perfect = AblationScore.score(model, hook, unit, List.of(rec), List.of(truth), mean);
        assertEquals(0.0, perfect.jsdSimulated(), 1e-12);
        assertTrue(perfect.jsdMean() > 1e-6, "mean ablation changes the predictions: " + perfect.jsdMean());
        assertEquals(1.0, perfect.score().value(), 1e-9);

        double[] meanSim = new double[seq];
        java.util.Arrays.fill(meanSim, mean);
        assertEquals(0.0, AblationScore.score(model, hook, unit, List.of(rec), List.of(meanSim), mean).score().value(), 1e-9);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AblationScore.score(model, hook, new float[3], List.of(rec), List.of(truth), mean));
        assertTrue(e.getMessage().contains("width " + dMlp), e.getMessage());
    }
}
