package dev.loupe.interp;

import java.util.List;
import java.util.Map;

/**
 * Everything auto-interp needs about one feature (or neuron), as plain data supplied by the caller
 * (the analysis module or a test): top-activating excerpts, uniformly random excerpts, the maximum
 * activation seen over the corpus and an optional token look-up table.
 *
 * <p>Not a selection policy: {@link FeatureSplits} decides which records explain and which score.
 *
 * @param featureId     caller's id for the feature (dictionary index, neuron index …)
 * @param top           top-activating excerpts, sorted by the caller or not (splits sort them)
 * @param random        uniformly random excerpts from held-out text
 * @param maxActivation corpus-wide max activation (informational; discretisation uses the max over
 *                      the explanation records, as Bills et al. do)
 * @param lookupTable   token string → mean activation of the feature on that token, or an empty map
 */
public record FeatureRecords(long featureId, List<ActivationRecord> top, List<ActivationRecord> random,
                             double maxActivation, Map<String, Double> lookupTable) {
    public FeatureRecords {
        if (top == null || random == null) throw new IllegalArgumentException("feature " + featureId + ": top and random record lists are required (may be empty)");
        top = List.copyOf(top);
        random = List.copyOf(random);
        lookupTable = lookupTable == null ? Map.of() : Map.copyOf(lookupTable);
    }

    public FeatureRecords(long featureId, List<ActivationRecord> top, List<ActivationRecord> random) {
        this(featureId, top, random, Double.NaN, Map.of());
    }
}
