// The k-sparse search: exact for k = 1 and swap-locally optimal for k = 2 (checked by brute force
// over all pairs of candidates), and the acceptance test on the synthetic setting: k = 1 finds
// the planted monosemantic neuron, the superposed concept needs k = 2 neurons.
package dev.loupe.probe;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class SparseProbeTest {
    private static final SyntheticProbing.Setting SETTING = SyntheticProbing.generate(5, 200, 20, 24);

    @Test
    void searchIsExactForKOneAndSwapLocalForKTwo() {
        ProbeData d = SETTING.superposed();
        int[] rows = IntStream.range(0, 1500).toArray();
        int[] cand = IntStream.range(0, 10).map(i -> i * 2 + 1).toArray();   // ten odd units, the first replaced by a planted one
        cand[0] = SETTING.superposedNeurons()[0];
        List<SparseProbeSearch.Result> res = SparseProbeSearch.search(d, rows, cand, 2, 1e-3);
        double bestSingle = Double.POSITIVE_INFINITY, bestPair = Double.POSITIVE_INFINITY;
        int[] argPair = null;
        for (int a = 0; a < cand.length; a++) {
            bestSingle = Math.min(bestSingle, LogisticRegression.fit(d, rows, new int[] {cand[a]}, 1e-3).loss());
            for (int b = a + 1; b < cand.length; b++) {
                double l = LogisticRegression.fit(d, rows, new int[] {cand[a], cand[b]}, 1e-3).loss();
                if (l < bestPair) { bestPair = l; argPair = new int[] {Math.min(cand[a], cand[b]), Math.max(cand[a], cand[b])}; }
            }
        }
        assertEquals(bestSingle, res.get(0).loss(), 1e-12);
        int[] pair = res.get(1).units();
        double pairLoss = res.get(1).loss();
        for (int s = 0; s < 2; s++)
            for (int c : cand) {
                if (c == pair[0] || c == pair[1]) continue;
                int[] swapped = pair.clone();
                swapped[s] = c;
                assertTrue(LogisticRegression.fit(d, rows, swapped, 1e-3).loss() >= pairLoss - 1e-12, "swap " + pair[s] + "->" + c + " improves");
            }
        assertArrayEquals(argPair, pair, "on this instance the swap-local optimum is the global one");
    }

    @Test
    void kOneFindsThePlantedMonosemanticNeuronWithEveryMethod() {
        ProbeSweep.Config cfg = new ProbeSweep.Config(List.of(ProbeSweep.Selection.values()), new int[] {1, 2}, 1e-3, 0.25, 1, 8);
        List<ProbeSweep.Row> rows = ProbeSweep.sweep(SETTING.monosemantic(), cfg);
        for (ProbeSweep.Selection m : ProbeSweep.Selection.values()) {
            ProbeSweep.Row k1 = rows.stream().filter(r -> r.method() == m && r.k() == 1).findFirst().orElseThrow();
            assertArrayEquals(new int[] {SETTING.plantedNeuron()}, k1.units(), m.name());
            assertTrue(k1.test().f1() > 0.95, m + " test F1 " + k1.test().f1());
        }
    }

    @Test
    void superposedConceptNeedsTwoNeurons() {
        ProbeSweep.Config cfg = new ProbeSweep.Config(List.of(ProbeSweep.Selection.values()), new int[] {1, 2, 3}, 1e-3, 0.25, 1, 8);
        List<ProbeSweep.Row> rows = ProbeSweep.sweep(SETTING.superposed(), cfg);
        double bestK1 = rows.stream().filter(r -> r.k() == 1).mapToDouble(r -> r.test().f1()).max().orElseThrow();
        ProbeSweep.Row opt2 = rows.stream().filter(r -> r.method() == ProbeSweep.Selection.OPTIMAL && r.k() == 2).findFirst().orElseThrow();
        assertArrayEquals(SETTING.superposedNeurons(), opt2.units());
        assertTrue(bestK1 < 0.8, "one neuron should not separate the superposed concept, best k=1 F1 " + bestK1);
        assertTrue(opt2.test().f1() > 0.88, "two neurons should, F1 " + opt2.test().f1());
        assertTrue(opt2.test().f1() - bestK1 > 0.1, Arrays.toString(new double[] {bestK1, opt2.test().f1()}));
    }

    @Test
    void kGridFollowsThePaper() {
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 32, 64, 100}, ProbeSweep.kGrid(100));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5}, ProbeSweep.kGrid(5));
        int[] big = ProbeSweep.kGrid(4096);
        assertEquals(4096, big[big.length - 1]);
        assertEquals(2048, big[big.length - 2]);
    }
}
