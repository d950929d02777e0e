// "Optimal" k-sparse probe for small k (k <= 8), the open replacement for the MIP solver of Gurnee
// et al. 2023: over a screened candidate set, greedy forward selection (add the unit whose
// inclusion gives the lowest training objective of the L2 logistic probe), then swap refinement
// (replace one selected unit by one unselected candidate while the best such swap lowers the
// objective). Guarantee, stated honestly: for k = 1 the result is the exact optimum over the
// candidates; for k > 1 it is a local optimum with respect to single swaps within the candidate
// set - no better set differs from it by one unit - but not necessarily the global optimum, and
// units outside the screened candidates are never considered.
package dev.loupe.probe;

import dev.loupe.util.ConfigException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public final class SparseProbeSearch {
    private SparseProbeSearch() {}

    public static final int MAX_K = 8;

    /** Selected units (ascending) for one k, their training objective, and how many swaps improved it. */
    public record Result(int k, int[] units, double loss, int swaps) {}

    /**
     * Sets for k = 1..maxK, each grown from the previous one. candidates are unit indices; rows the
     * training rows; l2 the probe's L2 strength.
     */
    public static List<Result> search(ProbeData d, int[] rows, int[] candidates, int maxK, double l2) {
        if (maxK < 1 || maxK > MAX_K) throw new ConfigException("the sparse probe search handles k = 1.." + MAX_K + ", got " + maxK);
        if (candidates.length < maxK) throw new ConfigException("the sparse probe search needs at least k = " + maxK + " candidates, got " + candidates.length);
        double[][] cols = LogisticRegression.Standardized.of(d, rows, candidates).columns();
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) y[i] = d.y()[rows[i]];
        Map<String, Double> cache = new HashMap<>();

        List<Result> out = new ArrayList<>();
        List<Integer> set = new ArrayList<>();            // positions into candidates
        for (int k = 1; k <= maxK; k++) {
            int bestAdd = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < candidates.length; c++) {
                if (set.contains(c)) continue;
                set.add(c);
                double loss = loss(set, cols, y, l2, cache);
                set.removeLast();
                if (loss < best) { best = loss; bestAdd = c; }
            }
            set.add(bestAdd);
            int swaps = 0;
            for (boolean improved = k > 1; improved; ) {
                improved = false;
                int bestOut = -1, bestIn = -1;
                double bestSwap = best;
                for (int s = 0; s < set.size(); s++) {
                    int old = set.get(s);
                    for (int c = 0; c < candidates.length; c++) {
                        if (set.contains(c)) continue;
                        set.set(s, c);
                        double loss = loss(set, cols, y, l2, cache);
                        if (loss < bestSwap - 1e-12) { bestSwap = loss; bestOut = s; bestIn = c; }
                    }
                    set.set(s, old);
                }
                if (bestOut >= 0) {
                    set.set(bestOut, bestIn);
                    best = bestSwap;
                    swaps++;
                    improved = true;
                }
            }
            int[] units = set.stream().mapToInt(p -> candidates[p]).sorted().toArray();
            out.add(new Result(k, units, best, swaps));
        }
        return out;
    }

    private static double loss(List<Integer> set, double[][] cols, int[] y, double l2, Map<String, Double> cache) {
        int[] key = set.stream().mapToInt(Integer::intValue).sorted().toArray();
        return cache.computeIfAbsent(Arrays.toString(key), s -> {
            double[][] sub = new double[key.length][];
            for (int i = 0; i < key.length; i++) sub[i] = cols[key[i]];
            return LogisticRegression.fitLoss(sub, y, l2);
        });
    }
}
