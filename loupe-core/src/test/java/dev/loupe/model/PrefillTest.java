package dev.loupe.model;

import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.loupe.model.ModelBehaviourTest.load;
import static dev.loupe.model.ModelBehaviourTest.randomTokens;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Transformer#prefill}: the last position's logits of the full forward, and a filled KV cache. */
class PrefillTest {
    /** Row seq−1 of sequence b of logits [batch, seq, vocab]. */
    private static float[] lastRow(Tensor logits, int b) {
        int S = logits.dim(1), V = logits.dim(2);
        return Arrays.copyOfRange(logits.data(), (b * S + S - 1) * V, (b * S + S) * V);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "pythia-tiny-parallel", "llama-tiny-gqa", "qwen2-tiny"})
    void lastLogitsAndCacheMatchTheFullForward(String name) {
        Transformer m = load(name);
        int V = m.config().vocab();
        int[][] prompt = randomTokens(2, 9, V, 21), step = randomTokens(2, 1, V, 22);
        KvCache cache = m.newCache(2);
        Tensor last = m.prefill(prompt, cache);
        assertArrayEquals(new int[]{2, V}, last.shape());
        assertEquals(9, cache.length());
        Tensor full = m.forward(prompt);
        for (int b = 0; b < 2; b++)
            FixtureForwardTest.assertClose(name + " prefill b=" + b, lastRow(full, b), Arrays.copyOfRange(last.data(), b * V, (b + 1) * V));
        // the next token against the prefilled cache equals the full forward of the longer sequence
        Tensor next = m.prefill(step, cache);
        int[][] longer = new int[2][];
        for (int b = 0; b < 2; b++) { longer[b] = Arrays.copyOf(prompt[b], 10); longer[b][9] = step[b][0]; }
        Tensor fullLonger = m.forward(longer);
        for (int b = 0; b < 2; b++)
            FixtureForwardTest.assertClose(name + " decode b=" + b, lastRow(fullLonger, b), Arrays.copyOfRange(next.data(), b * V, (b + 1) * V));
    }

    @Test
    void lnFinalHooksStillSeeEveryPosition() {
        Transformer m = load("gpt2-tiny");
        int[][] prompt = randomTokens(1, 6, m.config().vocab(), 23);
        List<int[]> seen = new ArrayList<>();
        try (HookHandle h = m.addHook("ln_final.hook_normalized", (act, ctx) -> { seen.add(act.shape()); return act; })) {
            Tensor last = m.prefill(prompt, m.newCache(1));
            assertArrayEquals(lastRow(m.forward(prompt), 0), last.data());
        }
        assertArrayEquals(new int[]{1, 6, m.config().dModel()}, seen.getFirst());
    }
}
