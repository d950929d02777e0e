package dev.loupe.interp;

import java.util.List;
import java.util.Map;

/**
 * Produces an explanation from a feature's explanation records (top-activating excerpts) and its
 * optional token look-up table. An explainer never sees the scoring records.
 */
public interface Explainer {
    /** @throws InterpFailure when no explanation could be produced (the feature is marked failed) */
    Explanation explain(List<ActivationRecord> explanationRecords, Map<String, Double> lookupTable);

    String name();
}
