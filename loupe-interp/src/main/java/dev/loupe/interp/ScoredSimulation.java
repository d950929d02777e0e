package dev.loupe.interp;

import java.util.ArrayList;
import java.util.List;

/**
 * One explanation simulated on one scoring set: per-excerpt true and simulated values and the pooled
 * scores. {@code failure} is non-null when the simulator failed (LLM error, malformed reply); the
 * scores are then {@link Score.Status#FAILED} and the run goes on.
 *
 * @param trueValues      raw true activations per excerpt
 * @param simulatedValues simulated values per excerpt (0–10 scale for explanation simulators)
 */
public record ScoredSimulation(List<double[]> trueValues, List<double[]> simulatedValues, Score correlation,
                               Score rSquared, Score absoluteDeviationExplained, String failure) {
    public ScoredSimulation {
        trueValues = List.copyOf(trueValues);
        simulatedValues = List.copyOf(simulatedValues);
    }

    /** Pools the excerpts and scores them with {@link Scoring}. */
    public static ScoredSimulation of(List<double[]> trueValues, List<double[]> simulated) {
        if (trueValues.size() != simulated.size()) throw new IllegalArgumentException(trueValues.size() + " true excerpts but " + simulated.size() + " simulated");
        double[] t = pool(trueValues), s = pool(simulated);
        return new ScoredSimulation(trueValues, simulated, Scoring.correlation(t, s), Scoring.rSquared(t, s),
                Scoring.absoluteDeviationExplained(t, s), null);
    }

    public static ScoredSimulation failed(String reason) {
        Score f = Score.undefined(Score.Status.FAILED);
        return new ScoredSimulation(List.of(), List.of(), f, f, f, reason);
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
