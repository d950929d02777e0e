// The ablation-window reservoir is uniform and seeded: over many seeds each of N windows is kept
// with probability W/N (binomial tolerance), exactly W are kept, in corpus order, and one seed
// always keeps the same windows; fewer than W windows are all kept.
package dev.loupe.features;

import dev.loupe.corpus.TokenWindows;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class AblationWindowsTest {
    private static List<TokenWindows.Window> windows(int n) {
        List<TokenWindows.Window> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(new TokenWindows.Window(new int[] {i}, i, 0));
        return l;
    }

    private static List<Integer> kept(List<TokenWindows.Window> ws, int size, long seed) {
        AblationWindows r = new AblationWindows(size, seed);
        ws.forEach(r::offer);
        return r.windows().stream().map(TokenWindows.Window::document).toList();
    }

    @Test
    void everyWindowIsKeptWithProbabilityWOverN() {
        int n = 50, w = 5, runs = 20_000;
        List<TokenWindows.Window> ws = windows(n);
        long[] count = new long[n];
        for (int seed = 0; seed < runs; seed++) {
            List<Integer> k = kept(ws, w, seed);
            assertEquals(w, k.size());
            for (int i = 1; i < w; i++) assertTrue(k.get(i - 1) < k.get(i), "corpus order, no repeats");
            k.forEach(i -> count[i]++);
        }
        double p = (double) w / n, tol = 5 * Math.sqrt(p * (1 - p) / runs);
        for (int i = 0; i < n; i++) assertEquals(p, count[i] / (double) runs, tol, "window " + i);
        assertEquals(kept(ws, w, 7), kept(ws, w, 7));
        assertEquals(List.of(0, 1, 2), kept(windows(3), w, 7));
    }
}
