// Unit ranking by order of entry along the L1-regularised logistic regression path: minimise
//     sum_i c_i [softplus(s_i) - y_i s_i] + lambda |w|_1    (class-balanced c_i as in LogisticRegression,
// standardised units, unpenalised intercept) for lambda = lambda_max * 0.85^t, t = 1..60 (down to
// ~6e-5 lambda_max), warm-started, by FISTA with backtracking (Beck & Teboulle 2009). lambda_max =
// max_j |dL/dw_j| at w = 0 is where the first unit enters. A unit's rank is the first lambda at
// which its weight is non-zero (ties: larger |w| first); units that never enter follow, by their
// |dL/dw_j| at w = 0. When there are more than SCREEN units, only the SCREEN with the largest
// |dL/dw_j| at w = 0 run the path (a screening heuristic, not the exact path over all units).
package dev.loupe.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

final class L1Path {
    private L1Path() {}

    static final int SCREEN = 256;
    private static final int STEPS = 60;
    private static final double RATIO = 0.85;

    static int[] entryOrder(ProbeData d, int[] rows, int maxUnits) {
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) y[i] = d.y()[rows[i]];
        double[] c = LogisticRegression.classWeights(y);

        // Gradient at w = 0 (the intercept optimum is 0 for balanced weights, so p = 1/2), per unit
        // without materialising all standardised columns: sum_i c_i (1/2 - y_i) x_ij / std_j (the
        // centring term vanishes because sum_i c_i (1/2 - y_i) = 0).
        double[] g0 = new double[maxUnits], sum = new double[maxUnits], sumSq = new double[maxUnits];
        for (int i = 0; i < rows.length; i++) {
            double ci = c[i] * (0.5 - y[i]);
            for (int j = 0; j < maxUnits; j++) {
                double v = d.get(rows[i], j);
                g0[j] += ci * v;
                sum[j] += v;
                sumSq[j] += v * v;
            }
        }
        for (int j = 0; j < maxUnits; j++) {
            double mean = sum[j] / rows.length, var = Math.max(0, sumSq[j] / rows.length - mean * mean);
            double sd = Math.sqrt(var) > 1e-12 ? Math.sqrt(var) : 1;
            g0[j] = Math.abs(g0[j]) / sd;
        }
        int[] byGrad = UnitRanking.order(g0);
        int[] cand = Arrays.copyOf(byGrad, Math.min(SCREEN, maxUnits));
        double[][] cols = LogisticRegression.Standardized.of(d, rows, cand).columns();

        double lambdaMax = g0[byGrad[0]];
        double[] theta = new double[cand.length + 1];
        int[] enteredAt = new int[cand.length];
        double[] entryWeight = new double[cand.length];
        Arrays.fill(enteredAt, Integer.MAX_VALUE);
        double lambda = lambdaMax;
        double[] lip = {1};
        int entered = 0;
        for (int t = 1; t <= STEPS && lambdaMax > 0 && entered < cand.length; t++) {
            lambda *= RATIO;
            fista(cols, y, c, lambda, theta, lip);
            for (int a = 0; a < cand.length; a++)
                if (enteredAt[a] == Integer.MAX_VALUE && theta[a + 1] != 0) { enteredAt[a] = t; entryWeight[a] = Math.abs(theta[a + 1]); entered++; }
        }
        List<Integer> order = new ArrayList<>();
        for (int a = 0; a < cand.length; a++) if (enteredAt[a] != Integer.MAX_VALUE) order.add(a);
        order.sort((p, q) -> enteredAt[p] != enteredAt[q] ? Integer.compare(enteredAt[p], enteredAt[q])
                : entryWeight[p] != entryWeight[q] ? Double.compare(entryWeight[q], entryWeight[p]) : Integer.compare(cand[p], cand[q]));
        int[] out = new int[maxUnits];
        boolean[] used = new boolean[maxUnits];
        int n = 0;
        for (int a : order) { out[n++] = cand[a]; used[cand[a]] = true; }
        for (int j : byGrad) if (!used[j]) out[n++] = j;
        return out;
    }

    /** FISTA with backtracking on the Lipschitz estimate lip[0] (kept across calls); theta = [b, w]. */
    private static void fista(double[][] cols, int[] y, double[] c, double lambda, double[] theta, double[] lip) {
        int p = theta.length;
        double[] x = theta.clone(), v = theta.clone(), next = new double[p], grad = new double[p];
        double t = 1;
        lip[0] = Math.max(1e-3, lip[0] / 2);
        for (int iter = 0; iter < 500; iter++) {
            double fv = smooth(cols, y, c, v, grad);
            while (true) {
                for (int a = 0; a < p; a++) next[a] = v[a] - grad[a] / lip[0];
                for (int a = 1; a < p; a++) next[a] = Math.signum(next[a]) * Math.max(0, Math.abs(next[a]) - lambda / lip[0]);
                double quad = fv, dist = 0;
                for (int a = 0; a < p; a++) { double dlt = next[a] - v[a]; quad += grad[a] * dlt; dist += dlt * dlt; }
                if (smooth(cols, y, c, next, null) <= quad + lip[0] / 2 * dist + 1e-15) break;
                lip[0] *= 2;
            }
            double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2, moved = 0;
            for (int a = 0; a < p; a++) {
                moved = Math.max(moved, Math.abs(next[a] - x[a]));
                v[a] = next[a] + (t - 1) / tNext * (next[a] - x[a]);
            }
            System.arraycopy(next, 0, x, 0, p);
            t = tNext;
            if (moved < 1e-6) break;          // entry order, not the exact path, is what is needed
        }
        System.arraycopy(x, 0, theta, 0, p);
    }

    /** The smooth part sum_i c_i [softplus(s_i) - y_i s_i]; fills grad when non-null. */
    private static double smooth(double[][] cols, int[] y, double[] c, double[] theta, double[] grad) {
        int m = y.length;
        double[] s = new double[m];
        Arrays.fill(s, theta[0]);
        for (int j = 0; j < cols.length; j++) {
            double w = theta[j + 1];
            if (w == 0) continue;
            for (int i = 0; i < m; i++) s[i] += w * cols[j][i];
        }
        double f = 0;
        double[] r = grad == null ? null : new double[m];
        for (int i = 0; i < m; i++) {
            f += c[i] * (LogisticRegression.softplus(s[i]) - y[i] * s[i]);
            if (r != null) r[i] = c[i] * (LogisticRegression.sigmoid(s[i]) - y[i]);
        }
        if (grad != null) {
            double gb = 0;
            for (int i = 0; i < m; i++) gb += r[i];
            grad[0] = gb;
            for (int j = 0; j < cols.length; j++) {
                double g = 0;
                for (int i = 0; i < m; i++) g += r[i] * cols[j][i];
                grad[j + 1] = g;
            }
        }
        return f;
    }
}
