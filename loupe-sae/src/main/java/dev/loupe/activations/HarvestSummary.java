package dev.loupe.activations;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one {@link Harvester#harvest} call left on disk and did.
 *
 * @param dir          the harvest folder
 * @param hooks        hooks harvested
 * @param windows      windows in the folder (all shards)
 * @param tokens       tokens run through the model for them (windows × context)
 * @param rows         rows kept per hook (tokens minus excluded positions)
 * @param shards       shards per hook
 * @param resumedFrom  shards found complete when this call started (0: fresh harvest)
 * @param newTokens    tokens this call ran through the model
 * @param seconds      wall time of this call
 */
public record HarvestSummary(Path dir, List<String> hooks, long windows, long tokens, Map<String, Long> rows, int shards,
                             int resumedFrom, long newTokens, double seconds) {
    /** Harvest throughput of this call: tokens run through the model per second (forward, filtering and writing). */
    public double tokensPerSecond() { return seconds > 0 ? newTokens / seconds : 0; }
}
