package dev.loupe.lm;

import dev.loupe.io.SafeTensors;
import dev.loupe.util.ConfigException;
import dev.loupe.util.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Trainer mechanics: determinism, exact resume, divergence detection, checkpoint guards, HF export round trip. */
class LmTrainerTest {
    static final Gpt2Config SHAPE = new Gpt2Config(13, 8, 2, 16, 2, 32, Gpt2Config.Activation.RELU, 1e-5f);
    static final PrintWriter QUIET = new PrintWriter(new StringWriter());

    static TokenSplit data() {
        var r = new Random(5);
        int[] train = new int[2000], held = new int[300];
        for (int i = 0; i < train.length; i++) train[i] = (i % 3 == 0) ? r.nextInt(13) : (train[i - 1] + 1) % 13;
        for (int i = 0; i < held.length; i++) held[i] = (i % 3 == 0) ? r.nextInt(13) : (held[i - 1] + 1) % 13;
        return new TokenSplit(train, held);
    }

    static TrainLmConfig config(long steps) {
        return new TrainLmConfig(SHAPE, 4, steps, 3e-3, 0.1, 3, 0.1, 0.9, 0.95, 1e-8, 1.0, 4, 2, 3, 5, 7);
    }

    @Test void sameSeedGivesIdenticalWeightsAndLossFalls(@TempDir Path a, @TempDir Path b) {
        var t1 = new LmTrainer(config(30), data(), a, false, QUIET);
        double before = t1.heldOutLoss();
        var r1 = t1.run(Long.MAX_VALUE);
        var r2 = new LmTrainer(config(30), data(), b, false, QUIET).run(Long.MAX_VALUE);
        assertEquals(30, r1.step());
        assertEquals(30 * 4 * 8, r1.tokensSeen());
        assertEquals(r1.heldOutLoss(), r2.heldOutLoss());
        assertTrue(r1.heldOutLoss() < before - 0.3, "held-out loss should fall: " + before + " -> " + r1.heldOutLoss());
        // 30 steps logged every 5: six intervals, so a steady speed; 4 steps: one interval (the last step), none
        assertTrue(r1.medianIntervalTokensPerSecond() > 0 && Double.isFinite(r1.medianIntervalTokensPerSecond()), "steady tok/s " + r1.medianIntervalTokensPerSecond());
    }

    @Test void noSteadySpeedFromFewerThanThreeLogIntervals(@TempDir Path dir) {
        assertTrue(Double.isNaN(new LmTrainer(config(4), data(), dir, false, QUIET).run(Long.MAX_VALUE).medianIntervalTokensPerSecond()));
    }

    @Test void resumeIsBitIdenticalToAnUninterruptedRun(@TempDir Path full, @TempDir Path split) {
        var uninterrupted = new LmTrainer(config(12), data(), full, false, QUIET);
        uninterrupted.run(Long.MAX_VALUE);
        var first = new LmTrainer(config(12), data(), split, false, QUIET);
        first.run(5);   // "interrupted" after 5 steps (not a checkpoint multiple: the stop writes one)
        assertEquals(5, first.step());
        var resumed = new LmTrainer(config(12), data(), split, true, QUIET);
        assertEquals(5, resumed.step());
        resumed.run(Long.MAX_VALUE);
        assertArrayEquals(uninterrupted.model().params(), resumed.model().params());
        Checkpoint c1 = Checkpoint.read(full.resolve(LmTrainer.CHECKPOINT)), c2 = Checkpoint.read(split.resolve(LmTrainer.CHECKPOINT));
        assertArrayEquals(c1.m(), c2.m());
        assertArrayEquals(c1.v(), c2.v());
        assertEquals(c1.rngState(), c2.rngState());
        assertEquals(12, c2.step());
    }

    @Test void resumeRefusesOtherConfigOrData(@TempDir Path dir) {
        new LmTrainer(config(4), data(), dir, false, QUIET).run(Long.MAX_VALUE);
        var e = assertThrows(ConfigException.class, () -> new LmTrainer(config(4), data(), dir, false, QUIET));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
        assertThrows(ConfigException.class, () -> new LmTrainer(config(9), data(), dir, true, QUIET));
        var d = data();
        d.train()[0] = (d.train()[0] + 1) % 13;
        assertThrows(ConfigException.class, () -> new LmTrainer(config(4), d, dir, true, QUIET));
    }

    @Test void divergenceIsAClearError(@TempDir Path dir) {
        var cfg = new TrainLmConfig(SHAPE, 4, 50, 1e30, 0.1, 1, 0, 0.9, 0.95, 1e-8, 0, 100, 1, 100, 100, 7);
        var e = assertThrows(LoupeException.class, () -> new LmTrainer(cfg, data(), dir, false, QUIET).run(Long.MAX_VALUE));
        assertTrue(e.getMessage().startsWith("training diverged at step "), e.getMessage());
        assertTrue(e.getMessage().contains("--lr"), e.getMessage());
    }

    @Test void configValidationNamesTheField() {
        var e = assertThrows(ConfigException.class, () -> new Gpt2Config(13, 8, 1, 10, 3, 32, Gpt2Config.Activation.RELU, 1e-5f));
        assertTrue(e.getMessage().contains("heads"), e.getMessage());
        assertThrows(ConfigException.class, () -> new TrainLmConfig(SHAPE, 0, 1, 1e-3, 0.1, 0, 0, 0.9, 0.95, 1e-8, 1, 1, 1, 1, 1, 1));
        assertThrows(ConfigException.class, () -> Gpt2Config.Activation.parse("tanh"));
        assertThrows(ConfigException.class, () -> new LmTrainer(config(4), new TokenSplit(new int[5], new int[100]), Path.of("unused"), false, QUIET));
    }

    @Test void scheduleWarmsUpThenDecaysToTheFloor() {
        var c = new TrainLmConfig(SHAPE, 4, 110, 1e-3, 0.1, 10, 0, 0.9, 0.95, 1e-8, 1, 1, 1, 1, 1, 1);
        assertEquals(1e-4, c.learningRateAt(0), 1e-12);
        assertEquals(1e-3, c.learningRateAt(9), 1e-12);
        assertEquals(1e-3, c.learningRateAt(10), 1e-12);
        assertEquals(0.55e-3, c.learningRateAt(60), 1e-12);   // half-way through the cosine: (max + min)/2
        assertEquals(1e-4, c.learningRateAt(110), 1e-12);
    }

    @Test void trainingFlopsCountsMatmulsAndCausalAttention() {
        // b=1, t=2: per layer 2·2·(16·48 + 16·16 + 2·16·32) + 2·2·(2·3/2)·16 = 8384; ×2 layers;
        // unembedding 2·2·16·13 = 832; forward 17600, ×3 for forward + backward
        assertEquals(52800, SHAPE.trainingFlops(1, 2), 1e-9);
    }

    @Test void hfExportRoundTrips(@TempDir Path dir) throws Exception {
        var t = new LmTrainer(config(3), data(), dir, false, QUIET);
        t.run(Long.MAX_VALUE);
        Path out = dir.resolve("hf");
        HfGpt2.write(t.model(), 12, out);
        Gpt2 back = HfGpt2.read(out);
        assertEquals(SHAPE, back.config());
        assertArrayEquals(t.model().params(), back.params());
        int[] seq = {1, 2, 3, 4, 0};
        assertArrayEquals(t.model().logits(seq).data(), back.logits(seq).data());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("GPT2LMHeadModel", json.path("architectures").path(0).asText());
        assertEquals("relu", json.path("activation_function").asText());
        assertEquals(32, json.path("n_inner").asInt());
        assertEquals(1e-5, json.path("layer_norm_epsilon").asDouble());
        assertTrue(json.path("tie_word_embeddings").asBoolean());
        try (var st = SafeTensors.open(out.resolve("model.safetensors"))) {
            assertFalse(st.contains("lm_head.weight"));
            assertArrayEquals(new int[]{16, 48}, st.tensor("transformer.h.1.attn.c_attn.weight").shape());
            assertArrayEquals(new int[]{32, 16}, st.tensor("transformer.h.0.mlp.c_proj.weight").shape());
            // wte + wpe + ln_f + 2 × (ln_1 + c_attn + attn.c_proj + ln_2 + c_fc + mlp.c_proj), weights and biases
            assertEquals(13 * 16 + 8 * 16 + 2 * 16 + 2 * (2 * 16 + (16 * 48 + 48) + (16 * 16 + 16) + 2 * 16 + (16 * 32 + 32) + (32 * 16 + 16)),
                    st.entries().values().stream().mapToLong(SafeTensors.Entry::numel).sum());
        }
        assertTrue(Files.exists(dir.resolve(LmTrainer.CHECKPOINT)));
    }
}
