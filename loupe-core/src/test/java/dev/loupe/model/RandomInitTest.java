package dev.loupe.model;

import dev.loupe.model.arch.ModelLoader;
import dev.loupe.testutil.Shared;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class RandomInitTest {
    @Test
    void likeKeepsTheArchitectureAndReplacesTheWeightsDeterministically() {
        Transformer real = ModelLoader.load(Shared.path("fixtures/models/gpt2-tiny"));
        Transformer a = RandomInit.like(real, 7), b = RandomInit.like(real, 7), c = RandomInit.like(real, 8);
        assertEquals(real.config(), a.config());
        assertEquals(real.hookNames(), a.hookNames());
        assertEquals(real.weights().keySet(), a.weights().keySet());
        for (String n : real.weights().keySet()) {
            float[] r = real.weights().get(n).data(), x = a.weights().get(n).data();
            assertArrayEquals(real.weights().get(n).shape(), a.weights().get(n).shape(), n);
            assertArrayEquals(x, b.weights().get(n).data(), n + ": same seed, same weights");
            boolean normOrBias = n.contains(".b_") || n.endsWith(".b") || n.endsWith(".w");
            if (!normOrBias) {
                assertFalse(Arrays.equals(r, x), n + " was not re-initialised");
                assertFalse(Arrays.equals(x, c.weights().get(n).data()), n + ": other seed, other weights");
                double sq = 0;
                for (float v : x) sq += v * v;
                assertEquals(0.02, Math.sqrt(sq / x.length), 0.004, n + " std");
            }
        }
        int[][] tokens = {{1, 2, 3, 4}};
        assertFalse(Arrays.equals(real.forward(tokens).data(), a.forward(tokens).data()));
    }
}
