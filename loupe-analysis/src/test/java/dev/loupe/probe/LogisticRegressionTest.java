// The Newton solver reaches the optimum of the documented objective: a symmetric 1-D case with a
// closed-form stationarity condition, and a random case checked by perturbing the solution under
// an objective written independently here.
package dev.loupe.probe;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class LogisticRegressionTest {
    @Test
    void symmetricCaseSatisfiesItsStationarityCondition() {
        // x = -1, 1 with y = 0, 1: standardised z = x, balanced weights 1/2; by symmetry b = 0 and
        // dL/dw = -sigmoid(-w) + l2 w = 0.
        ProbeData d = new ProbeData(new float[] {-1, 1}, 2, 1, new int[] {0, 1}, new long[] {0, 1});
        double l2 = 0.1;
        LogisticRegression.Model m = LogisticRegression.fit(d, new int[] {0, 1}, new int[] {0}, l2);
        double w = m.weights()[0];
        assertEquals(0, m.bias(), 1e-10);
        assertEquals(1 / (1 + Math.exp(w)), l2 * w, 1e-10);
        assertEquals(1.6335, w, 1e-4);                       // root of sigmoid(-w) = 0.1 w, by bisection on paper
        assertEquals(w, m.logit(d, 1), 1e-10);
    }

    @Test
    void randomCaseIsAMinimumOfTheIndependentlyWrittenObjective() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 300, u = 3;
        float[] x = new float[n * u];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < u; j++) x[i * u + j] = (float) (r.nextGaussian() * (j + 1) + j);
            y[i] = r.nextDouble() < 1 / (1 + Math.exp(-(x[i * u] - 0.5 * x[i * u + 2] + 1))) ? 1 : 0;
        }
        ProbeData d = new ProbeData(x, n, u, y, new long[n]);
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = i;
        double l2 = 0.01;
        LogisticRegression.Model m = LogisticRegression.fit(d, rows, new int[] {0, 1, 2}, l2);
        double[] theta = {m.bias(), m.weights()[0], m.weights()[1], m.weights()[2]};
        double f0 = objective(d, m, theta, l2);
        assertEquals(f0, m.loss(), 1e-12);
        for (int a = 0; a < theta.length; a++)
            for (double eps : new double[] {1e-4, -1e-4}) {
                double[] t = theta.clone();
                t[a] += eps;
                assertTrue(objective(d, m, t, l2) > f0, "moving parameter " + a + " by " + eps + " lowers the objective");
            }
    }

    @Test
    void lbfgsAndNewtonAgreeOnTheSameObjective() {
        SyntheticProbing.Setting s = SyntheticProbing.generate(2, 40, 25, 12);
        ProbeData d = s.superposed();
        int[] rows = new int[d.n()];
        for (int i = 0; i < rows.length; i++) rows[i] = i;
        int[] units = {0, 3, 4, 7, 9, 11, s.superposedNeurons()[0], s.superposedNeurons()[1]};
        units = java.util.Arrays.stream(units).distinct().toArray();
        LogisticRegression.Model newton = LogisticRegression.fitNewton(d, rows, units, 1e-3);
        LogisticRegression.Model lbfgs = LogisticRegression.fitLbfgs(d, rows, units, 1e-3);
        assertEquals(newton.loss(), lbfgs.loss(), 1e-10);
        assertEquals(newton.bias(), lbfgs.bias(), 1e-5);
        assertArrayEquals(newton.weights(), lbfgs.weights(), 1e-5);
        assertEquals(newton.logit(d, 17), lbfgs.logit(d, 17), 1e-5);
    }

    /** sum_i c_i [log(1 + e^s) - y s] + l2/2 |w|^2 with c_i = 1/(2 n_class), s on standardised x (mean/std from the model). */
    private static double objective(ProbeData d, LogisticRegression.Model m, double[] theta, double l2) {
        int pos = 0;
        for (int v : d.y()) pos += v;
        double f = 0;
        for (int i = 0; i < d.n(); i++) {
            double s = theta[0];
            for (int j = 0; j < 3; j++) s += theta[j + 1] * (d.get(i, j) - m.mean()[j]) / m.std()[j];
            double c = d.y()[i] == 1 ? 0.5 / pos : 0.5 / (d.n() - pos);
            f += c * (Math.log(1 + Math.exp(s)) - d.y()[i] * s);
        }
        for (int j = 1; j < 4; j++) f += 0.5 * l2 * theta[j] * theta[j];
        return f;
    }
}
