// Unit ranking by order of entry along the L1-regularised logistic regression path: minimise
//     sum_i c_i [softplus(s_i) - y_i s_i] + lambda |w|_1    (class-balanced c_i as in LogisticRegression,
// standardised units, unpenalised intercept) for lambda = lambda_max * 0.85^t, t = 1..60 (down to
// ~6e-5 lambda_max), warm-started, by proximal Newton with coordinate descent. lambda_max =
// max_j |dL/dw_j| at w = 0 is where the first unit enters. A unit's rank is the first lambda at
// which its weight is non-zero (ties: larger |w| first); units that never enter follow, by their
// |dL/dw_j| at w = 0. The path stops once `needed` units have entered (callers that use only the
// top k pass k). When there are more than SCREEN units, only the SCREEN with the largest
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

    static int[] entryOrder(ProbeData d, int[] rows, int maxUnits, int needed) {
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
        int entered = 0;
        for (int t = 1; t <= STEPS && lambdaMax > 0 && entered < Math.min(needed, cand.length); t++) {
            lambda *= RATIO;
            proximalNewton(cols, y, c, lambda, theta);
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

    /**
     * Minimises the L1 objective at one lambda from the warm start theta = [b, w] by proximal Newton
     * (glmnet's scheme, Friedman, Hastie & Tibshirani 2010): quadratic model of the smooth part at
     * theta, solved by cyclic coordinate descent with soft-thresholding, then a backtracking line
     * search on the true objective.
     */
    private static void proximalNewton(double[][] cols, int[] y, double[] c, double lambda, double[] theta) {
        int m = y.length, k = cols.length;
        double[] s = new double[m], g = new double[m], w = new double[m], u = new double[m], curv = new double[k];
        for (int outer = 0; outer < 50; outer++) {
            scores(cols, theta, s);
            for (int i = 0; i < m; i++) {
                double p = LogisticRegression.sigmoid(s[i]);
                g[i] = c[i] * (p - y[i]);
                w[i] = Math.max(c[i] * p * (1 - p), 1e-12 * c[i]);
            }
            for (int j = 0; j < k; j++) {
                double a = 0;
                for (int i = 0; i < m; i++) a += w[i] * cols[j][i] * cols[j][i];
                curv[j] = Math.max(a, 1e-12);
            }
            double[] delta = new double[k + 1];
            Arrays.fill(u, 0);
            boolean full = true;               // full sweeps alternate with sweeps over the non-zero weights only
            for (int sweep = 0; sweep < 1000; sweep++) {
                double change = 0, gb = 0, hb = 0;
                for (int i = 0; i < m; i++) { gb += g[i] + w[i] * u[i]; hb += w[i]; }
                double db = -gb / hb;
                delta[0] += db;
                for (int i = 0; i < m; i++) u[i] += db;
                change = Math.max(change, hb * db * db);
                for (int j = 0; j < k; j++) {
                    if (!full && theta[j + 1] + delta[j + 1] == 0) continue;
                    double[] col = cols[j];
                    double grad = 0;
                    for (int i = 0; i < m; i++) grad += (g[i] + w[i] * u[i]) * col[i];
                    double old = theta[j + 1] + delta[j + 1];
                    double z = curv[j] * old - grad;
                    double next = Math.signum(z) * Math.max(0, Math.abs(z) - lambda) / curv[j];
                    double dj = next - old;
                    if (dj == 0) continue;
                    delta[j + 1] += dj;
                    for (int i = 0; i < m; i++) u[i] += dj * col[i];
                    change = Math.max(change, curv[j] * dj * dj);
                }
                if (change < 1e-14) {
                    if (full) break;
                    full = true;
                } else {
                    full = false;
                }
            }
            double f0 = objective(cols, y, c, theta, lambda), predicted = 0;
            for (int i = 0; i < m; i++) predicted += g[i] * u[i];
            double l1Old = 0, l1New = 0;
            for (int j = 1; j <= k; j++) { l1Old += Math.abs(theta[j]); l1New += Math.abs(theta[j] + delta[j]); }
            predicted += lambda * (l1New - l1Old);
            double t = 1;
            double[] next = new double[k + 1];
            for (int ls = 0; ls < 30; ls++, t *= 0.5) {
                for (int a = 0; a <= k; a++) next[a] = theta[a] + t * delta[a];
                if (objective(cols, y, c, next, lambda) <= f0 + 1e-4 * t * predicted) break;
            }
            double moved = 0;
            for (int a = 0; a <= k; a++) moved = Math.max(moved, Math.abs(next[a] - theta[a]));
            System.arraycopy(next, 0, theta, 0, k + 1);
            if (moved < 1e-7) break;
        }
    }

    private static void scores(double[][] cols, double[] theta, double[] s) {
        Arrays.fill(s, theta[0]);
        for (int j = 0; j < cols.length; j++) {
            double wj = theta[j + 1];
            if (wj == 0) continue;
            for (int i = 0; i < s.length; i++) s[i] += wj * cols[j][i];
        }
    }

    /** sum_i c_i [softplus(s_i) - y_i s_i] + lambda |w|_1. */
    private static double objective(double[][] cols, int[] y, double[] c, double[] theta, double lambda) {
        double[] s = new double[y.length];
        scores(cols, theta, s);
        double f = 0;
        for (int i = 0; i < y.length; i++) f += c[i] * (LogisticRegression.softplus(s[i]) - y[i] * s[i]);
        for (int j = 1; j < theta.length; j++) f += lambda * Math.abs(theta[j]);
        return f;
    }
}
