package dev.loupe.dictionary;

import dev.loupe.util.Rng;

/**
 * Symmetric FastICA on whitened data (Hyvärinen and Oja 2000, "Independent component analysis:
 * algorithms and applications", §6.2) with the log-cosh contrast, g = tanh:
 * W⁺ = E[g(Wz)·zᵀ] − diag(E[g'(Wz)])·W, then W = (W⁺W⁺ᵀ)^(−½)·W⁺, until the rows stop turning.
 */
final class FastIca {
    private FastIca() {}

    /** Unmixing W [m, m] for whitened z [n, m]. */
    static double[] symmetric(double[] z, int n, int m, Rng rng, int maxIter, double tol) {
        double[] w = new double[m * m];
        for (int i = 0; i < w.length; i++) w[i] = rng.nextGaussian();
        w = decorrelate(w, m);
        for (int it = 0; it < maxIter; it++) {
            double[] next = new double[m * m];
            double[] gp = new double[m];
            double[] y = new double[m];
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < m; i++) {
                    double s = 0;
                    for (int c = 0; c < m; c++) s += w[i * m + c] * z[b * m + c];
                    double g = Math.tanh(s);
                    y[i] = g;
                    gp[i] += 1 - g * g;
                }
                for (int i = 0; i < m; i++) for (int c = 0; c < m; c++) next[i * m + c] += y[i] * z[b * m + c];
            }
            for (int i = 0; i < m; i++) for (int c = 0; c < m; c++) next[i * m + c] = next[i * m + c] / n - gp[i] / n * w[i * m + c];
            next = decorrelate(next, m);
            double worst = 0;
            for (int i = 0; i < m; i++) {
                double dot = 0;
                for (int c = 0; c < m; c++) dot += next[i * m + c] * w[i * m + c];
                worst = Math.max(worst, Math.abs(Math.abs(dot) - 1));
            }
            w = next;
            if (worst < tol) break;
        }
        return w;
    }

    /** (W·Wᵀ)^(−½)·W via the eigendecomposition of W·Wᵀ. */
    static double[] decorrelate(double[] w, int m) {
        double[] wwt = new double[m * m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) {
            double s = 0;
            for (int c = 0; c < m; c++) s += w[i * m + c] * w[j * m + c];
            wwt[i * m + j] = s;
        }
        SymmetricEigen e = SymmetricEigen.of(wwt, m);
        double[] inv = new double[m * m];   // E·diag(λ^−½)·Eᵀ with eigenvectors as rows of e.vectors
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) {
            double s = 0;
            for (int r = 0; r < m; r++) s += e.vectors[r * m + i] * e.vectors[r * m + j] / Math.sqrt(Math.max(e.values[r], 1e-300));
            inv[i * m + j] = s;
        }
        double[] out = new double[m * m];
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) {
            double s = 0;
            for (int c = 0; c < m; c++) s += inv[i * m + c] * w[c * m + j];
            out[i * m + j] = s;
        }
        return out;
    }
}
