// A k-sparse probe for a concept over neurons or dictionary features (tables probe_results +
// probe_units): the selected units with their probe weights and the held-out metrics.
// dictionaryId is 0 for neuron probes. id is 0 for a record not yet stored.
package dev.loupe.store;

import dev.loupe.util.ConfigException;

import java.util.Map;

public record ProbeResult(long id, String concept, long modelId, String hook, long dictionaryId, UnitKind unitKind,
                          String method, int[] units, float[] weights, Map<String, Double> metrics, String provenanceJson) {
    public enum UnitKind { NEURON, FEATURE; String sql() { return name().toLowerCase(); } }

    public ProbeResult {
        if (concept == null || concept.isBlank()) throw new ConfigException("probe result has no concept name");
        if (hook == null || hook.isBlank()) throw new ConfigException("probe result for " + concept + " has no hook name");
        if (unitKind == null) throw new ConfigException("probe result for " + concept + " has no unit kind (NEURON or FEATURE)");
        if ((unitKind == UnitKind.FEATURE) != (dictionaryId != 0))
            throw new ConfigException("probe result for " + concept + ": feature probes need a dictionary id and neuron probes must not have one");
        if (units.length == 0 || units.length != weights.length)
            throw new ConfigException("probe result for " + concept + " has " + units.length + " units and " + weights.length + " weights; need k >= 1 of each");
        if (method == null || method.isBlank()) throw new ConfigException("probe result for " + concept + " has no method name");
        metrics = Map.copyOf(metrics);
        if (provenanceJson == null || provenanceJson.isBlank()) provenanceJson = "{}";
    }

    public int k() { return units.length; }
}
