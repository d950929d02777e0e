// Limited-memory BFGS minimiser (Nocedal & Wright 2006, alg. 7.4 two-loop recursion, memory 10)
// with a backtracking Armijo line search; deterministic. Used for logistic probes over many units,
// where Newton's dense Hessian is too large. Smooth objectives only (no L1 term).
package dev.loupe.probe;

final class Lbfgs {
    private Lbfgs() {}

    interface Objective {
        /** Returns f(x) and writes the gradient into g. */
        double eval(double[] x, double[] g);
    }

    static final int MEMORY = 10;

    /** Minimises from x (updated in place); stops when max |gradient| < gradTol or after maxIter iterations. */
    static double minimise(Objective f, double[] x, double gradTol, int maxIter) {
        int p = x.length;
        double[][] s = new double[MEMORY][], y = new double[MEMORY][];
        double[] rho = new double[MEMORY];
        int stored = 0, head = 0;
        double[] g = new double[p], gNew = new double[p], dir = new double[p], xNew = new double[p];
        double fx = f.eval(x, g);
        double[] alpha = new double[MEMORY];
        for (int iter = 0; iter < maxIter && maxAbs(g) >= gradTol; iter++) {
            System.arraycopy(g, 0, dir, 0, p);                      // dir = -H g by the two-loop recursion
            for (int t = 0; t < stored; t++) {
                int i = Math.floorMod(head - 1 - t, MEMORY);
                alpha[i] = rho[i] * dot(s[i], dir);
                axpy(-alpha[i], y[i], dir);
            }
            double gamma = stored == 0 ? 1 / Math.max(1e-12, Math.sqrt(dot(g, g))) : dot(s[Math.floorMod(head - 1, MEMORY)], y[Math.floorMod(head - 1, MEMORY)])
                    / dot(y[Math.floorMod(head - 1, MEMORY)], y[Math.floorMod(head - 1, MEMORY)]);
            for (int a = 0; a < p; a++) dir[a] *= gamma;
            for (int t = stored - 1; t >= 0; t--) {
                int i = Math.floorMod(head - 1 - t, MEMORY);
                double beta = rho[i] * dot(y[i], dir);
                axpy(alpha[i] - beta, s[i], dir);
            }
            for (int a = 0; a < p; a++) dir[a] = -dir[a];
            double slope = dot(g, dir);
            if (slope >= 0) {                                       // not a descent direction: restart from steepest descent
                for (int a = 0; a < p; a++) dir[a] = -g[a];
                slope = dot(g, dir);
                stored = 0;
            }
            double t = 1, fNew = Double.NaN;
            for (int ls = 0; ls < 50; ls++, t *= 0.5) {
                for (int a = 0; a < p; a++) xNew[a] = x[a] + t * dir[a];
                fNew = f.eval(xNew, gNew);
                if (fNew <= fx + 1e-4 * t * slope) break;
            }
            if (!(fNew < fx)) break;                                // no progress possible at this precision
            double[] sNew = new double[p], yNew = new double[p];
            for (int a = 0; a < p; a++) { sNew[a] = xNew[a] - x[a]; yNew[a] = gNew[a] - g[a]; }
            double sy = dot(sNew, yNew);
            if (sy > 1e-12 * Math.sqrt(dot(sNew, sNew) * dot(yNew, yNew))) {   // keep only curvature-positive pairs
                s[head] = sNew;
                y[head] = yNew;
                rho[head] = 1 / sy;
                head = (head + 1) % MEMORY;
                stored = Math.min(stored + 1, MEMORY);
            }
            boolean flat = fx - fNew < 1e-15 * Math.max(1, Math.abs(fx));
            System.arraycopy(xNew, 0, x, 0, p);
            System.arraycopy(gNew, 0, g, 0, p);
            fx = fNew;
            if (flat) break;
        }
        return fx;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += alpha * x[i];
    }
}
