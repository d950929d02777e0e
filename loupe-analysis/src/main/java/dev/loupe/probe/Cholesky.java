// Solves H x = g for a symmetric positive-definite H [p, p] (row-major, lower triangle used) by
// Cholesky factorisation. Small dense systems only (Newton steps of a probe). Reference: Golub & Van Loan alg. 4.2.1.
package dev.loupe.probe;

import dev.loupe.util.LoupeException;

final class Cholesky {
    private Cholesky() {}

    static double[] solve(double[] h, int p, double[] g) {
        double[] l = new double[p * p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = h[i * p + j];
                for (int t = 0; t < j; t++) sum -= l[i * p + t] * l[j * p + t];
                if (i == j) {
                    if (!(sum > 0)) throw new LoupeException("probe Hessian is not positive definite (pivot " + sum + " at " + i + "); the units may be non-finite");
                    l[i * p + i] = Math.sqrt(sum);
                } else {
                    l[i * p + j] = sum / l[j * p + j];
                }
            }
        }
        double[] x = g.clone();
        for (int i = 0; i < p; i++) {                 // L u = g
            double sum = x[i];
            for (int t = 0; t < i; t++) sum -= l[i * p + t] * x[t];
            x[i] = sum / l[i * p + i];
        }
        for (int i = p - 1; i >= 0; i--) {            // L^T x = u
            double sum = x[i];
            for (int t = i + 1; t < p; t++) sum -= l[t * p + i] * x[t];
            x[i] = sum / l[i * p + i];
        }
        return x;
    }
}
