// TokenBinCounts against a plain map: 20,000 seeded (feature, token, bin, act) entries over enough
// distinct triples to grow the table several times; every triple's count and activation sum must
// come back, grouped under its feature.
package dev.loupe.features;

import dev.loupe.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TokenBinCountsTest {
    @Test
    void countsAndSumsMatchAMap() {
        int features = 7, vocab = 300;
        TokenBinCounts t = new TokenBinCounts(vocab);
        Map<String, double[]> expected = new HashMap<>();   // "f/token/bin" -> {count, sum}
        Rng r = new Rng(5);
        for (int i = 0; i < 20_000; i++) {
            int f = r.nextInt(features), tok = r.nextInt(vocab), bin = r.nextInt(3);
            float a = (float) r.nextDouble();
            t.add(f, tok, bin, a);
            double[] e = expected.computeIfAbsent(f + "/" + tok + "/" + bin, k -> new double[2]);
            e[0]++;
            e[1] += a;
        }
        TokenBinCounts.Grouped g = t.grouped(features);
        assertEquals(expected.size(), g.start()[features], "one entry per distinct triple");
        for (int f = 0; f < features; f++)
            for (int e = g.start()[f]; e < g.start()[f + 1]; e++) {
                double[] want = expected.get(f + "/" + g.token()[e] + "/" + g.bin()[e]);
                assertNotNull(want, "entry grouped under its own feature");
                assertEquals(want[0], g.count()[e]);
                assertEquals(want[1], g.sum()[e], 1e-3);
            }
    }
}
