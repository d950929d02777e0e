// L2-regularised, class-balanced logistic regression on a few units, solved by Newton's method
// (IRLS) with an Armijo line search, or L-BFGS for many units: deterministic, converges to the unique optimum (the objective
// is strictly convex for l2 > 0). Objective over training rows i, units standardised on the
// training rows (z = (x - mean) / std):
//     L(b, w) = sum_i c_i [softplus(s_i) - y_i s_i] + (l2 / 2) |w|^2,   s_i = b + w.z_i,
// with c_i = 1 / (2 n_{y_i}) so each class carries half the weight (the intercept is not
// penalised). Matches scikit-learn LogisticRegression(class_weight="balanced", C = 1/(l2 * n))
// up to that scaling. Up to NEWTON_MAX units the solver is Newton (dense Hessian [(k+1), (k+1)]);
// above, L-BFGS on the same objective (the "all units" probe of a sweep).
package dev.loupe.probe;

import dev.loupe.util.ConfigException;

import java.util.Arrays;

public final class LogisticRegression {
    private LogisticRegression() {}

    static final int NEWTON_MAX = 256;

    /** A fitted probe: weights act on standardised units; loss is the training objective L at the optimum. */
    public record Model(int[] units, double[] mean, double[] std, double[] weights, double bias, double loss) {
        /** Logit (log-odds of the positive class) of a row. */
        public double logit(ProbeData d, int row) {
            double s = bias;
            for (int j = 0; j < units.length; j++) s += weights[j] * (d.get(row, units[j]) - mean[j]) / std[j];
            return s;
        }

        public double[] logits(ProbeData d, int[] rows) {
            double[] out = new double[rows.length];
            for (int i = 0; i < rows.length; i++) out[i] = logit(d, rows[i]);
            return out;
        }
    }

    /** Fits a probe on the given training rows using the given units (Newton up to NEWTON_MAX units, else L-BFGS). */
    public static Model fit(ProbeData d, int[] rows, int[] units, double l2) {
        return units.length <= NEWTON_MAX ? fitNewton(d, rows, units, l2) : fitLbfgs(d, rows, units, l2);
    }

    static Model fitNewton(ProbeData d, int[] rows, int[] units, double l2) {
        checkUnits(units);
        Standardized z = Standardized.of(d, rows, units);
        int[] y = labels(d, rows);
        double[] theta = newton(z.columns(), y, l2);
        return new Model(units.clone(), z.mean(), z.std(), Arrays.copyOfRange(theta, 1, theta.length), theta[0],
                objective(z.columns(), y, classWeights(y), theta, l2));
    }

    /**
     * The same objective minimised by L-BFGS straight from the float rows (no standardised copy, so
     * memory stays O(units)): s_i = b + sum_j w_j (x_ij - mean_j) / std_j.
     */
    static Model fitLbfgs(ProbeData d, int[] rows, int[] units, double l2) {
        checkUnits(units);
        int k = units.length, m = rows.length, stride = d.units();
        if (!(l2 > 0)) throw new ConfigException("L2 strength " + l2 + " must be > 0 (it keeps separable data from diverging)");
        int[] y = labels(d, rows);
        double[] c = classWeights(y);
        double[] mean = new double[k], std = new double[k];
        for (int r : rows) for (int j = 0; j < k; j++) mean[j] += d.x()[r * stride + units[j]];
        for (int j = 0; j < k; j++) mean[j] /= m;
        for (int r : rows) for (int j = 0; j < k; j++) { double v = d.x()[r * stride + units[j]] - mean[j]; std[j] += v * v; }
        for (int j = 0; j < k; j++) { std[j] = Math.sqrt(std[j] / m); if (!(std[j] > 1e-12)) std[j] = 1; }
        float[] x = d.x();
        Lbfgs.Objective f = (theta, g) -> {
            double shift = theta[0];
            double[] v = new double[k];                      // weights on raw units
            for (int j = 0; j < k; j++) { v[j] = theta[j + 1] / std[j]; shift -= v[j] * mean[j]; }
            Arrays.fill(g, 0);
            double loss = 0, rsum = 0;
            double[] raw = new double[k];                    // sum_i r_i x_ij
            for (int i = 0; i < m; i++) {
                int base = rows[i] * stride;
                double s = shift;
                for (int j = 0; j < k; j++) s += v[j] * x[base + units[j]];
                loss += c[i] * (softplus(s) - y[i] * s);
                double r = c[i] * (sigmoid(s) - y[i]);
                rsum += r;
                for (int j = 0; j < k; j++) raw[j] += r * x[base + units[j]];
            }
            g[0] = rsum;
            for (int j = 0; j < k; j++) {
                g[j + 1] = (raw[j] - mean[j] * rsum) / std[j] + l2 * theta[j + 1];
                loss += 0.5 * l2 * theta[j + 1] * theta[j + 1];
            }
            return loss;
        };
        double[] theta = new double[k + 1];
        double loss = Lbfgs.minimise(f, theta, 1e-9, 2000);
        return new Model(units.clone(), mean, std, Arrays.copyOfRange(theta, 1, k + 1), theta[0], loss);
    }

    private static void checkUnits(int[] units) {
        if (units.length == 0) throw new ConfigException("a logistic probe needs at least one unit");
    }

    private static int[] labels(ProbeData d, int[] rows) {
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) y[i] = d.y()[rows[i]];
        return y;
    }

    /** Training objective at the optimum for standardised columns [k][m]; used to compare unit sets. */
    static double fitLoss(double[][] cols, int[] y, double l2) {
        double[] theta = newton(cols, y, l2);
        return objective(cols, y, classWeights(y), theta, l2);
    }

    /** Units standardised on the training rows: columns [k][m], and the mean/std used. */
    record Standardized(double[][] columns, double[] mean, double[] std) {
        static Standardized of(ProbeData d, int[] rows, int[] units) {
            int k = units.length, m = rows.length;
            double[][] cols = new double[k][m];
            double[] mean = new double[k], std = new double[k];
            for (int j = 0; j < k; j++) {
                double[] c = cols[j];
                for (int i = 0; i < m; i++) c[i] = d.get(rows[i], units[j]);
                double mu = 0;
                for (double v : c) mu += v;
                mu /= m;
                double var = 0;
                for (double v : c) var += (v - mu) * (v - mu);
                double sd = Math.sqrt(var / m);
                if (!(sd > 1e-12)) sd = 1;       // constant unit: leave it at 0 after centring
                for (int i = 0; i < m; i++) c[i] = (c[i] - mu) / sd;
                mean[j] = mu;
                std[j] = sd;
            }
            return new Standardized(cols, mean, std);
        }
    }

    static double[] classWeights(int[] y) {
        long pos = Arrays.stream(y).filter(v -> v == 1).count(), neg = y.length - pos;
        if (pos == 0 || neg == 0) throw new ConfigException("training rows hold only one class (" + pos + " positive of " + y.length + "); a probe needs both");
        double[] c = new double[y.length];
        for (int i = 0; i < y.length; i++) c[i] = y[i] == 1 ? 0.5 / pos : 0.5 / neg;
        return c;
    }

    private static double[] newton(double[][] cols, int[] y, double l2) {
        if (!(l2 > 0)) throw new ConfigException("L2 strength " + l2 + " must be > 0 (it keeps separable data from diverging)");
        int k = cols.length, m = y.length, p = k + 1;
        double[] c = classWeights(y);
        double[] theta = new double[p];
        double f = objective(cols, y, c, theta, l2);
        double[] s = new double[m];
        for (int iter = 0; iter < 100; iter++) {
            scores(cols, theta, s);
            double[] g = new double[p];
            double[] h = new double[p * p];
            double[] zi = new double[p];
            zi[0] = 1;
            for (int i = 0; i < m; i++) {
                double pi = sigmoid(s[i]);
                double r = c[i] * (pi - y[i]), wgt = c[i] * pi * (1 - pi);
                for (int j = 0; j < k; j++) zi[j + 1] = cols[j][i];
                for (int a = 0; a < p; a++) {
                    g[a] += r * zi[a];
                    double wa = wgt * zi[a];
                    for (int b = 0; b <= a; b++) h[a * p + b] += wa * zi[b];
                }
            }
            for (int j = 1; j < p; j++) { g[j] += l2 * theta[j]; h[j * p + j] += l2; }
            double[] step = Cholesky.solve(h, p, g);       // Newton direction: theta - step
            double slope = 0;
            for (int a = 0; a < p; a++) slope += g[a] * step[a];
            double t = 1, fNew = Double.NaN;
            double[] next = new double[p];
            for (int ls = 0; ls < 40; ls++, t *= 0.5) {
                for (int a = 0; a < p; a++) next[a] = theta[a] - t * step[a];
                fNew = objective(cols, y, c, next, l2);
                if (fNew <= f - 1e-4 * t * slope) break;
            }
            if (!(fNew <= f)) break;                        // no decrease possible: at the optimum to rounding
            double moved = 0;
            for (int a = 0; a < p; a++) moved = Math.max(moved, Math.abs(next[a] - theta[a]));
            System.arraycopy(next, 0, theta, 0, p);
            boolean done = moved < 1e-10 || f - fNew < 1e-15;
            f = fNew;
            if (done) break;
        }
        return theta;
    }

    private static void scores(double[][] cols, double[] theta, double[] s) {
        Arrays.fill(s, theta[0]);
        for (int j = 0; j < cols.length; j++) {
            double w = theta[j + 1];
            double[] col = cols[j];
            for (int i = 0; i < s.length; i++) s[i] += w * col[i];
        }
    }

    private static double objective(double[][] cols, int[] y, double[] c, double[] theta, double l2) {
        double[] s = new double[y.length];
        scores(cols, theta, s);
        double f = 0;
        for (int i = 0; i < y.length; i++) f += c[i] * (softplus(s[i]) - y[i] * s[i]);
        for (int j = 1; j < theta.length; j++) f += 0.5 * l2 * theta[j] * theta[j];
        return f;
    }

    static double sigmoid(double s) {
        return s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
    }

    static double softplus(double s) {
        return s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
    }
}
