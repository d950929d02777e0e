package dev.loupe.lm;

import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance test for the trainer's output: a model trained and saved by the trainer,
 * loaded by the engine ({@link ModelLoader}) from the written HF GPT-2 directory, gives the same
 * logits as the trainer's own forward, for both activations.
 */
class EngineMatchesTrainerTest {
    @Test void engineForwardEqualsTrainerForward(@TempDir Path dir) {
        for (var act : Gpt2Config.Activation.values()) {
            var shape = new Gpt2Config(37, 16, 2, 24, 3, 40, act, 1e-5f);
            var r = new Random(4);
            int[] train = new int[3000], held = new int[200];
            for (int i = 0; i < train.length; i++) train[i] = r.nextInt(37);
            for (int i = 0; i < held.length; i++) held[i] = r.nextInt(37);
            var cfg = new TrainLmConfig(shape, 4, 20, 3e-3, 0.1, 2, 0.1, 0.9, 0.95, 1e-8, 1.0, 20, 1, 100, 100, 9);
            Path run = dir.resolve(act.hfName());
            var trainer = new LmTrainer(cfg, new TokenSplit(train, held), run, false, new PrintWriter(new StringWriter()));
            trainer.run(Long.MAX_VALUE);
            HfGpt2.write(trainer.model(), 36, run);
            int[] seq = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};
            Tensor ours = trainer.model().logits(seq);
            Transformer engine = ModelLoader.load(run);
            Tensor theirs = engine.forward(new int[][]{seq});
            float[] a = ours.data(), b = theirs.data();
            assertTrue(a.length == b.length, "logit counts " + a.length + " vs " + b.length);
            double num = 0, den = 0;
            for (int i = 0; i < a.length; i++) { num = Math.max(num, Math.abs(a[i] - b[i])); den = Math.max(den, Math.abs(b[i])); }
            assertTrue(num / den <= 1e-5, act + ": normalised max error " + num / den);
        }
    }
}
