package dev.loupe.model;

import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Greedy ties, temperature and nucleus sampling frequencies against their definitions (seeded). */
class SamplingTest {
    static final float[] LOGITS = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};

    static double[] frequencies(Sampling s, int draws) {
        Sampling.Picker p = s.picker();
        double[] f = new double[3];
        for (int i = 0; i < draws; i++) f[p.pick(LOGITS, 0, 3)] += 1.0 / draws;
        return f;
    }

    @Test
    void greedyTakesLowestIdOnTies() {
        assertEquals(1, Sampling.greedyDecoding().picker().pick(new float[]{0, 9, 9, 1}, 0, 4));
        assertEquals(0, Sampling.greedyDecoding().picker().pick(new float[]{5, 9, 4, 3}, 2, 2), "offset respected");
    }

    @Test
    void temperatureOneMatchesSoftmax() {
        double[] f = frequencies(Sampling.sample(1.0, 1.0, 7), 40_000);
        assertEquals(0.5, f[0], 0.015);
        assertEquals(0.3, f[1], 0.015);
        assertEquals(0.2, f[2], 0.015);
    }

    @Test
    void lowTemperatureSharpens() {
        // T = 0.5 squares the probabilities: 0.25, 0.09, 0.04 → /0.38
        double[] f = frequencies(Sampling.sample(0.5, 1.0, 8), 40_000);
        assertEquals(0.25 / 0.38, f[0], 0.015);
        assertEquals(0.04 / 0.38, f[2], 0.015);
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        // p = 0.5, 0.3, 0.2; top-p 0.6 keeps {0, 1} renormalised to 0.625 / 0.375.
        double[] f = frequencies(Sampling.sample(1.0, 0.6, 9), 40_000);
        assertEquals(0.625, f[0], 0.015);
        assertEquals(0.375, f[1], 0.015);
        assertEquals(0.0, f[2], 0.0);
        double[] only = frequencies(Sampling.sample(1.0, 0.4, 9), 1000);
        assertEquals(1.0, only[0], 1e-9, "the most likely token alone reaches 0.4");
    }

    @Test
    void sameSeedSameDraws() {
        double[] a = frequencies(Sampling.sample(0.9, 0.95, 3), 500), b = frequencies(Sampling.sample(0.9, 0.95, 3), 500);
        assertEquals(a[0], b[0]);
        assertEquals(a[1], b[1]);
    }

    @Test
    void invalidSettings() {
        assertThrows(ConfigException.class, () -> Sampling.sample(0, 1, 1));
        assertThrows(ConfigException.class, () -> Sampling.sample(1, 0, 1));
        assertThrows(ConfigException.class, () -> Sampling.sample(1, 1.5, 1));
        assertThrows(ConfigException.class, () -> Sampling.sample(Double.NaN, 1, 1));
    }
}
