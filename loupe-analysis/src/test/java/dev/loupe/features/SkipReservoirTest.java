// Skip-based reservoir sampling is uniform: over many seeded runs, each of N items of a stream is
// kept with probability k/N (binomial tolerance), the first k items fill slots 0..k-1 in order,
// and exactly k items are kept at the end.
package dev.loupe.features;

import dev.loupe.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SkipReservoirTest {
    @Test
    void everyItemIsKeptWithProbabilityKOverN() {
        int n = 60, k = 6, runs = 20_000;
        long[] kept = new long[n];
        Rng rng = new Rng(42);
        for (int r = 0; r < runs; r++) {
            SkipReservoir res = new SkipReservoir(1, k, rng);
            int[] slots = new int[k];
            for (int item = 0; item < n; item++) {
                int slot = res.offer(0, item + 1);
                if (item < k) assertEquals(item, slot);
                if (slot >= 0) slots[slot] = item;
            }
            for (int item : slots) kept[item]++;
        }
        double p = (double) k / n, tol = 5 * Math.sqrt(p * (1 - p) / runs);
        for (int item = 0; item < n; item++) assertEquals(p, kept[item] / (double) runs, tol, "item " + item);
    }
}
