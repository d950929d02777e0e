package dev.loupe.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tensor.Tensor;
import dev.loupe.testutil.Shared;
import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real llama2.c checkpoints: karpathy's stories260K (interleaved RoPE, GQA 8/4, tied; its published greedy
 * tokens) and aidreams260K (MHA 4/4): 64 greedy tokens from BOS, position-0 top-5 logits, mean NLL.
 */
class Llama2cGreedyTest {
    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "aidreams260K"})
    void greedyFromBosReproducesReference(String name) throws Exception {
        Path dir = Shared.path("models/" + name);
        JsonNode ref = new ObjectMapper().readTree(dir.resolve("reference-greedy.json").toFile());
        Transformer m = ModelLoader.load(dir.resolve(name + ".bin"));
        assertEquals(TransformerConfig.RotaryStyle.INTERLEAVED, m.config().rotaryStyle());
        int[] prompt = new int[ref.get("prompt_token_ids").size()];
        for (int i = 0; i < prompt.length; i++) prompt[i] = ref.get("prompt_token_ids").get(i).asInt();
        int steps = ref.get("greedy_steps").asInt();
        int[] expected = new int[steps];
        for (int i = 0; i < steps; i++) expected[i] = ref.get("greedy_token_ids").get(i).asInt();

        int[] got = Generator.generate(m, prompt, steps, Sampling.greedyDecoding(), -1, true);
        assertArrayEquals(expected, got);

        Tensor logits0 = m.forward(new int[][]{prompt});
        for (JsonNode t : ref.get("pos0_top5")) {
            assertEquals(t.get("logit").asDouble(), logits0.data()[t.get("id").asInt()], 1e-3, "pos0 logit of " + t.get("id"));
        }
        // Mean NLL of the greedy continuation (teacher-forced, one pass).
        int[] all = new int[prompt.length + steps];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(got, 0, all, prompt.length, steps);
        Tensor logits = m.forward(new int[][]{all});
        assertEquals(ref.get("mean_greedy_nll").asDouble(), meanNll(logits, all, prompt.length), 1e-3);
    }

    /** Mean of −log p(ids[t+1] | ids[..t]) over the generated positions t+1 ≥ from. */
    static double meanNll(Tensor logits, int[] ids, int from) {
        int V = logits.dim(2);
        double total = 0;
        for (int t = from - 1; t < ids.length - 1; t++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int v = 0; v < V; v++) max = Math.max(max, logits.data()[t * V + v]);
            for (int v = 0; v < V; v++) sum += Math.exp(logits.data()[t * V + v] - max);
            total += max + Math.log(sum) - logits.data()[t * V + ids[t + 1]];
        }
        return total / (ids.length - from);
    }

    @Test
    void truncatedFileIsAClearError(@TempDir Path tmp) throws Exception {
        byte[] all = Files.readAllBytes(Shared.path("models/stories260K/stories260K.bin"));
        Path bad = tmp.resolve("cut.bin");
        Files.write(bad, java.util.Arrays.copyOf(all, all.length - 100));
        FormatException e = assertThrows(FormatException.class, () -> ModelLoader.load(bad));
        assertTrue(e.getMessage().contains("cut.bin") && e.getMessage().contains("bytes"), e.getMessage());
        Path tiny = tmp.resolve("tiny.bin");
        Files.write(tiny, new byte[12]);
        assertThrows(FormatException.class, () -> ModelLoader.load(tiny));
    }
}
