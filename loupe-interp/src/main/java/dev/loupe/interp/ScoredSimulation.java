package dev.loupe.interp;

import java.util.ArrayList;
import java.util.List;

/**
 * One explanation simulated on one scoring set: per-excerpt true and simulated values and the pooled
 * scores. {@code failure} is non-null when the simulator failed (LLM error, malformed reply); the
 * scores are then {@link Score.Status#FAILED} and the run goes on.
 *
 * <p>The correlation is computed on the simulator's own values (it is invariant to positive affine
 * maps). r² and absolute deviation explained compare values on the raw activation scale, so they are
 * computed after the linear {@code calibration} {a, b} (s ↦ a·s + b, fitted on a separate calibration
 * set, as neuron-explainer does) when one is given, and on the raw simulated values otherwise.
 *
 * @param trueValues      raw true activations per excerpt
 * @param simulatedValues simulated values per excerpt (0–10 scale for explanation simulators)
 * @param calibration     {a, b} applied before r² and absolute deviation, or null
 */
public record ScoredSimulation(List<double[]> trueValues, List<double[]> simulatedValues, Score correlation,
                               Score rSquared, Score absoluteDeviationExplained, double[] calibration, String failure) {
    public ScoredSimulation {
        trueValues = List.copyOf(trueValues);
        simulatedValues = List.copyOf(simulatedValues);
    }

    /** Pools the excerpts and scores them with {@link Scoring}, without calibration. */
    public static ScoredSimulation of(List<double[]> trueValues, List<double[]> simulated) { return of(trueValues, simulated, null); }

    public static ScoredSimulation of(List<double[]> trueValues, List<double[]> simulated, double[] calibration) {
        if (trueValues.size() != simulated.size()) throw new IllegalArgumentException(trueValues.size() + " true excerpts but " + simulated.size() + " simulated");
        double[] t = pool(trueValues), s = pool(simulated), c = s;
        if (calibration != null) {
            c = new double[s.length];
            for (int i = 0; i < s.length; i++) c[i] = calibration[0] * s[i] + calibration[1];
        }
        return new ScoredSimulation(trueValues, simulated, Scoring.correlation(t, s), Scoring.rSquared(t, c),
                Scoring.absoluteDeviationExplained(t, c), calibration == null ? null : calibration.clone(), null);
    }

    public static ScoredSimulation failed(String reason) {
        Score f = Score.undefined(Score.Status.FAILED);
        return new ScoredSimulation(List.of(), List.of(), f, f, f, null, reason);
    }

    static double[] pool(List<double[]> parts) {
        int n = 0;
        for (double[] p : parts) n += p.length;
        double[] out = new double[n];
        int k = 0;
        for (double[] p : parts) { System.arraycopy(p, 0, out, k, p.length); k += p.length; }
        return out;
    }

    static List<double[]> trueValuesOf(List<ActivationRecord> records) {
        List<double[]> out = new ArrayList<>();
        for (ActivationRecord r : records) {
            double[] v = new double[r.length()];
            for (int i = 0; i < v.length; i++) v[i] = r.activations()[i];
            out.add(v);
        }
        return out;
    }
}
