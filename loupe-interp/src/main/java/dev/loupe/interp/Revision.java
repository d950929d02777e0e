package dev.loupe.interp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Explanation revision (Bills et al. §3.3), evidence from real text: simulate the current
 * explanation on held-out evidence excerpts, take those where it predicts the feature most wrongly
 * high (largest simulated value on a token whose true discretised level is far lower), and explain
 * again with those excerpts added to the explanation records. Both explanations should then be scored
 * on the same scoring sets (see {@link AutoInterp#score}).
 *
 * <p>The evidence must not overlap the scoring records. Not implemented: evidence sentences generated
 * by an LLM from the explanation, and a dedicated revision prompt (an LLM explainer simply sees the
 * extra, mostly-zero excerpts in the ordinary explanation prompt).
 */
public final class Revision {
    private Revision() {}

    /** The original and revised explanations and the evidence excerpts that were added. */
    public record Result(Explanation original, Explanation revised, List<ActivationRecord> addedEvidence) {}

    /**
     * @param maxEvidence how many false-positive excerpts to add (Bills used a handful)
     */
    public static Result revise(Explainer explainer, SimulatorFactory simulators, List<ActivationRecord> explanationRecords,
                                Map<String, Double> lookupTable, List<ActivationRecord> evidence, int maxEvidence) {
        Explanation original = explainer.explain(explanationRecords, lookupTable);
        Simulator sim = simulators.forExplanation(original);
        double max = Discretisation.maxActivation(explanationRecords);
        List<String[]> tokens = new ArrayList<>();
        for (ActivationRecord r : evidence) tokens.add(r.tokens().clone());
        List<double[]> predicted = sim.simulateAll(tokens);
        record Miss(ActivationRecord record, double error) {}
        List<Miss> misses = new ArrayList<>();
        for (int k = 0; k < evidence.size(); k++) {
            ActivationRecord r = evidence.get(k);
            int[] truth = Discretisation.levels(r, max);
            double worst = 0;
            for (int i = 0; i < r.length(); i++) worst = Math.max(worst, predicted.get(k)[i] - truth[i]);
            if (worst >= 1) misses.add(new Miss(r, worst));  // a full level too high at least once
        }
        misses.sort(Comparator.comparingDouble(Miss::error).reversed());
        List<ActivationRecord> added = misses.stream().limit(maxEvidence).map(Miss::record).toList();
        if (added.isEmpty()) return new Result(original, original, List.of());
        List<ActivationRecord> more = new ArrayList<>(explanationRecords);
        more.addAll(added);
        return new Result(original, explainer.explain(more, lookupTable), added);
    }
}
