package dev.loupe.synthetic;

import java.util.Arrays;

/**
 * Minimum-cost assignment (Kuhn–Munkres with potentials, O(n²·m)) for an n × m cost matrix with n ≤ m:
 * every row gets a distinct column. Used to match ground-truth features to learned features for MCC.
 */
public final class Hungarian {
    private Hungarian() {}

    /** assignment[i] = column given to row i, minimising Σ cost[i][assignment[i]]. */
    public static int[] solve(double[][] cost) {
        int n = cost.length, m = n == 0 ? 0 : cost[0].length;
        if (n > m) throw new IllegalArgumentException("Hungarian needs rows <= columns, got " + n + " × " + m);
        double[] u = new double[n + 1], v = new double[m + 1];
        int[] p = new int[m + 1], way = new int[m + 1];   // p[j]: row (1-based) matched to column j
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            double[] minv = new double[m + 1];
            boolean[] used = new boolean[m + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            do {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = Double.POSITIVE_INFINITY;
                for (int j = 1; j <= m; j++) {
                    if (used[j]) continue;
                    double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; } else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] assign = new int[n];
        for (int j = 1; j <= m; j++) if (p[j] != 0) assign[p[j] - 1] = j - 1;
        return assign;
    }
}
