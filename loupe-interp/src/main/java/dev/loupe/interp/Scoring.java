package dev.loupe.interp;

/**
 * Scores of a simulation against true activations, pooled over every scored token (Bills et al.).
 *
 * <ul>
 *   <li>correlation: one Pearson correlation over all pooled tokens (true raw activations vs
 *       simulated values) — not an average of per-excerpt correlations;</li>
 *   <li>r²: {@code 1 − mean((t − s)²) / mean(t²)} and absolute deviation explained:
 *       {@code 1 − mean|t − s| / mean|t|}, exactly as neuron-explainer's scoring.py defines them (note
 *       the uncentred denominators). Both compare values on the same scale, so they are only
 *       meaningful after the simulation is calibrated to raw units (see {@link #calibrate}).</li>
 * </ul>
 * Sums are in double, centred before multiplying so large offsets do not cancel catastrophically.
 */
public final class Scoring {
    private Scoring() {}

    public static Score correlation(double[] t, double[] s) {
        check(t, s);
        int n = t.length;
        if (n == 0) return Score.undefined(Score.Status.EMPTY);
        double mt = mean(t), ms = mean(s), stt = 0, sss = 0, sts = 0;
        for (int i = 0; i < n; i++) {
            double a = t[i] - mt, b = s[i] - ms;
            stt += a * a; sss += b * b; sts += a * b;
        }
        if (stt == 0) return Score.undefined(Score.Status.CONSTANT_TRUE);
        if (sss == 0) return Score.undefined(Score.Status.CONSTANT_SIMULATED);
        double r = sts / Math.sqrt(stt * sss);
        return Score.of(Math.max(-1, Math.min(1, r)));
    }

    public static Score rSquared(double[] t, double[] s) {
        check(t, s);
        if (t.length == 0) return Score.undefined(Score.Status.EMPTY);
        double num = 0, den = 0;
        for (int i = 0; i < t.length; i++) { num += (t[i] - s[i]) * (t[i] - s[i]); den += t[i] * t[i]; }
        return den == 0 ? Score.undefined(Score.Status.CONSTANT_TRUE) : Score.of(1 - num / den);
    }

    public static Score absoluteDeviationExplained(double[] t, double[] s) {
        check(t, s);
        if (t.length == 0) return Score.undefined(Score.Status.EMPTY);
        double num = 0, den = 0;
        for (int i = 0; i < t.length; i++) { num += Math.abs(t[i] - s[i]); den += Math.abs(t[i]); }
        return den == 0 ? Score.undefined(Score.Status.CONSTANT_TRUE) : Score.of(1 - num / den);
    }

    /**
     * Least-squares affine map {@code s ↦ a·s + b} fitted so the simulation best predicts the true
     * activations (neuron-explainer's linear calibration). Returns {a, b}; a constant simulation
     * gets {0, mean(t)}. Fit it on a calibration set, apply it to the scored set.
     */
    public static double[] calibrate(double[] t, double[] s) {
        check(t, s);
        if (t.length == 0) return new double[] {0, 0};
        double mt = mean(t), ms = mean(s), sss = 0, sts = 0;
        for (int i = 0; i < t.length; i++) { sss += (s[i] - ms) * (s[i] - ms); sts += (s[i] - ms) * (t[i] - mt); }
        if (sss == 0) return new double[] {0, mt};
        double a = sts / sss;
        return new double[] {a, mt - a * ms};
    }

    static double mean(double[] x) {
        double m = 0;
        for (double v : x) m += v;
        return x.length == 0 ? 0 : m / x.length;
    }

    private static void check(double[] t, double[] s) {
        if (t.length != s.length) throw new IllegalArgumentException("true and simulated activations differ in length: " + t.length + " vs " + s.length);
    }
}
