// TokenBinCounts against a plain map: 20,000 seeded (feature, token, bin, act) entries over enough
// distinct triples to grow the table several times; every triple's count and activation sum must
// come back, grouped under its feature. With a slot cap: the table never grows past it, and
// frequent triples among a flood of one-off ones come back within the pruning threshold.
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

    @Test
    void slotCapBoundsMemoryAndKeepsFrequentTriples() {
        int features = 5, vocab = 50_000, cap = 1 << 10;
        TokenBinCounts t = new TokenBinCounts(vocab, cap);
        long[] heavy = new long[features * 4];          // 4 frequent tokens per feature, bin 2
        Rng r = new Rng(11);
        for (int i = 0; i < 200_000; i++) {
            int f = r.nextInt(features);
            if (r.nextDouble() < 0.3) {
                int h = r.nextInt(4);
                t.add(f, h, 2, 1f);
                heavy[f * 4 + h]++;
            } else {
                t.add(f, 4 + r.nextInt(vocab - 4), r.nextInt(3), 1f);     // almost always a new triple
            }
            assertTrue(t.capacity() <= cap, "table stays within its slot cap");
        }
        assertTrue(t.pruned() > 100_000, "the one-off triples were dropped: " + t.pruned());
        assertTrue(t.threshold() >= 1);
        TokenBinCounts.Grouped g = t.grouped(features);
        for (int f = 0; f < features; f++) {
            int seen = 0;
            for (int e = g.start()[f]; e < g.start()[f + 1]; e++) {
                if (g.token()[e] >= 4 || g.bin()[e] != 2) continue;
                long want = heavy[f * 4 + g.token()[e]];
                assertTrue(g.count()[e] <= want && g.count()[e] >= want - t.threshold(),
                        "frequent triple " + f + "/" + g.token()[e] + ": " + g.count()[e] + " of " + want + " (threshold " + t.threshold() + ")");
                assertEquals(g.count()[e], g.sum()[e], 1e-3, "sum follows the count (activations of 1)");
                seen++;
            }
            assertEquals(4, seen, "all frequent triples of feature " + f + " kept");
        }
    }
}
