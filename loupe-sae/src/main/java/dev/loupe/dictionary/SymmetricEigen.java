package dev.loupe.dictionary;

/**
 * Eigendecomposition of a real symmetric matrix by the cyclic Jacobi method (Golub and Van Loan,
 * Matrix Computations, §8.5): repeated plane rotations zero the off-diagonal until its Frobenius norm is
 * below 1e-14 of the total. O(d³) per sweep, numerically robust, fine for d up to a few thousand.
 * Results are sorted by eigenvalue, largest first.
 */
public final class SymmetricEigen {
    /** Eigenvalues, descending. */
    public final double[] values;
    /** Eigenvectors as rows [d, d]: row i belongs to values[i]. */
    public final double[] vectors;

    private SymmetricEigen(double[] values, double[] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** Decomposes a [d, d] row-major symmetric matrix (not modified). */
    public static SymmetricEigen of(double[] matrix, int d) {
        double[] a = matrix.clone();
        double[] v = new double[d * d];
        for (int i = 0; i < d; i++) v[i * d + i] = 1;
        double total = 0;
        for (double x : a) total += x * x;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < d; p++) for (int q = p + 1; q < d; q++) off += 2 * a[p * d + q] * a[p * d + q];
            if (off <= 1e-28 * total || off == 0) break;
            for (int p = 0; p < d; p++) for (int q = p + 1; q < d; q++) {
                double apq = a[p * d + q];
                if (Math.abs(apq) < 1e-300) continue;
                double theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
                double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                if (theta == 0) t = 1;
                double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < d; k++) {   // A ← A·J (columns p, q)
                    double akp = a[k * d + p], akq = a[k * d + q];
                    a[k * d + p] = c * akp - s * akq;
                    a[k * d + q] = s * akp + c * akq;
                }
                for (int k = 0; k < d; k++) {   // A ← Jᵀ·A (rows p, q)
                    double apk = a[p * d + k], aqk = a[q * d + k];
                    a[p * d + k] = c * apk - s * aqk;
                    a[q * d + k] = s * apk + c * aqk;
                }
                for (int k = 0; k < d; k++) {   // V ← V·J
                    double vkp = v[k * d + p], vkq = v[k * d + q];
                    v[k * d + p] = c * vkp - s * vkq;
                    v[k * d + q] = s * vkp + c * vkq;
                }
            }
        }
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) order[i] = i;
        final double[] diag = new double[d];
        for (int i = 0; i < d; i++) diag[i] = a[i * d + i];
        java.util.Arrays.sort(order, (x, y) -> Double.compare(diag[y], diag[x]));
        double[] vals = new double[d], rows = new double[d * d];
        for (int r = 0; r < d; r++) {
            int col = order[r];
            vals[r] = diag[col];
            for (int k = 0; k < d; k++) rows[r * d + k] = v[k * d + col];
        }
        return new SymmetricEigen(vals, rows);
    }
}
