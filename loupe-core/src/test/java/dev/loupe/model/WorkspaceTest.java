package dev.loupe.model;

import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.loupe.model.ModelBehaviourTest.load;
import static dev.loupe.model.ModelBehaviourTest.randomTokens;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The hook-free forward pass reuses scratch arrays ({@link Workspace}) and updates the residual in
 * place; a forward with any hook registered allocates every activation, as before. These tests pin
 * that the two give the same numbers and that nothing handed to a caller is overwritten later.
 */
class WorkspaceTest {
    /** Logits through the allocating path: an identity hook anywhere switches the workspace off. */
    private static Tensor hookedForward(Transformer m, int[][] tokens) {
        return m.runWithHooks(tokens, Map.of(m.hookNames().getFirst(), (act, ctx) -> act));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "pythia-tiny-parallel", "llama-tiny-gqa", "qwen2-tiny"})
    void reusedWorkspaceGivesTheAllocatingPathsLogitsAcrossShapes(String name) {
        Transformer m = load(name);
        int V = m.config().vocab();
        int[][] a = randomTokens(2, 9, V, 1), b = randomTokens(3, 5, V, 2);
        Tensor first = m.forward(a);
        float[] firstCopy = first.data().clone();
        Tensor other = m.forward(b);                       // another shape: every slot resized
        Tensor again = m.forward(a);                       // back to the first shape: slots resized again
        assertArrayEquals(hookedForward(m, a).data(), first.data(), name + ": workspace vs allocating path");
        assertArrayEquals(hookedForward(m, b).data(), other.data(), name + ": second shape");
        assertArrayEquals(first.data(), again.data(), name + ": repeated forward");
        assertArrayEquals(firstCopy, first.data(), name + ": a returned logits tensor was overwritten by a later forward");
    }

    @Test
    void forwardIntoWritesTheSameLogitsIntoTheGivenTensor() {
        Transformer m = load("gpt2-tiny");
        int[][] t = randomTokens(2, 7, m.config().vocab(), 3);
        Tensor out = Tensor.zeros(2, 7, m.config().vocab());
        java.util.Arrays.fill(out.data(), Float.NaN);      // stale contents must not leak into the result
        assertSame(out, m.forwardInto(t, out));
        assertArrayEquals(m.forward(t).data(), out.data());
        assertThrows(ConfigException.class, () -> m.forwardInto(t, Tensor.zeros(2, 6, m.config().vocab())));
        assertThrows(IllegalArgumentException.class, () -> m.forwardInto(t, null));
    }

    @Test
    void residualAfterIsNotAWorkspaceArray() {
        Transformer m = load("llama-tiny-gqa");
        int[][] t = randomTokens(2, 6, m.config().vocab(), 4);
        Tensor resid = m.residualAfter(t, 0);
        float[] copy = resid.data().clone();
        m.forward(randomTokens(2, 6, m.config().vocab(), 5));
        m.residualAfter(randomTokens(2, 6, m.config().vocab(), 6), 1);
        assertArrayEquals(copy, resid.data());
        assertArrayEquals(m.runWithCache(t, List.of("blocks.0.hook_resid_post")).get("blocks.0.hook_resid_post").data(), copy);
    }

    @Test
    void concurrentForwardsOnOneModelDoNotShareScratch() throws Exception {
        Transformer m = load("gpt2-tiny");
        int V = m.config().vocab();
        List<int[][]> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inputs.add(randomTokens(2, 8, V, 10 + i));
            expected.add(m.forward(inputs.get(i)).data());
        }
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> got = new ArrayList<>();
            for (int rep = 0; rep < 4; rep++) for (int[][] in : inputs) got.add(ex.submit(() -> m.forward(in).data()));
            for (int i = 0; i < got.size(); i++) assertArrayEquals(expected.get(i % inputs.size()), got.get(i).get(), "forward " + i);
        } finally {
            ex.shutdownNow();
        }
    }
}
