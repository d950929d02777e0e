package dev.loupe.interp;

import java.util.ArrayList;
import java.util.List;

/**
 * Simulates a scoring set and scores it: one pooled Pearson correlation over all tokens of all
 * excerpts (plus r² and absolute deviation explained). Only tokens reach the simulator.
 */
public final class Scorer {
    private Scorer() {}

    public static ScoredSimulation score(Simulator simulator, List<ActivationRecord> records) { return score(simulator, records, null); }

    /**
     * Fits the linear calibration of {@code simulator} on {@code calibrationRecords} (least squares of
     * true on simulated, pooled); null when the set is empty. @throws InterpFailure on simulator failure
     */
    public static double[] calibration(Simulator simulator, List<ActivationRecord> calibrationRecords) {
        if (calibrationRecords.isEmpty()) return null;
        List<String[]> tokens = new ArrayList<>();
        for (ActivationRecord r : calibrationRecords) tokens.add(r.tokens().clone());
        List<double[]> sim = simulator.simulateAll(tokens);
        return Scoring.calibrate(ScoredSimulation.pool(ScoredSimulation.trueValuesOf(calibrationRecords)), ScoredSimulation.pool(sim));
    }

    public static ScoredSimulation score(Simulator simulator, List<ActivationRecord> records, double[] calibration) {
        List<String[]> tokens = new ArrayList<>(records.size());
        for (ActivationRecord r : records) tokens.add(r.tokens().clone());
        List<double[]> simulated;
        try {
            simulated = simulator.simulateAll(tokens);
        } catch (InterpFailure e) {
            return ScoredSimulation.failed(e.getMessage());
        }
        if (simulated.size() != records.size()) return ScoredSimulation.failed("simulator returned " + simulated.size() + " excerpts for " + records.size());
        for (int i = 0; i < records.size(); i++) {
            if (simulated.get(i).length != records.get(i).length()) {
                return ScoredSimulation.failed("simulator returned " + simulated.get(i).length + " values for an excerpt of " + records.get(i).length() + " tokens");
            }
        }
        return ScoredSimulation.of(ScoredSimulation.trueValuesOf(records), simulated, calibration);
    }
}
