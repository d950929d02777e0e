package dev.loupe.sae.train;

/**
 * Geometric median of rows [n, d] by Weiszfeld's algorithm (the point minimising Σ‖x_b − m‖), used to
 * initialise b_dec as in Towards Monosemanticity / SAELens. Starts at the mean; a point that coincides
 * with a row gets that row's weight clamped (distance floor 1e-8) rather than dividing by zero.
 */
public final class GeometricMedian {
    private GeometricMedian() {}

    public static float[] of(float[] x, int n, int d, int maxIter, double tol) {
        double[] m = new double[d];
        for (int b = 0; b < n; b++) for (int j = 0; j < d; j++) m[j] += x[b * d + j];
        for (int j = 0; j < d; j++) m[j] /= n;
        for (int it = 0; it < maxIter; it++) {
            double[] num = new double[d];
            double den = 0;
            for (int b = 0; b < n; b++) {
                double dist = 0;
                for (int j = 0; j < d; j++) { double t = x[b * d + j] - m[j]; dist += t * t; }
                double w = 1 / Math.max(Math.sqrt(dist), 1e-8);
                den += w;
                for (int j = 0; j < d; j++) num[j] += w * x[b * d + j];
            }
            double shift = 0;
            for (int j = 0; j < d; j++) {
                double nm = num[j] / den;
                shift += (nm - m[j]) * (nm - m[j]);
                m[j] = nm;
            }
            if (Math.sqrt(shift) < tol) break;
        }
        float[] out = new float[d];
        for (int j = 0; j < d; j++) out[j] = (float) m[j];
        return out;
    }
}
