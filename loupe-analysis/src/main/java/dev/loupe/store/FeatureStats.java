// Per-feature summary statistics of one analysis run (table features). meanAct is the mean over
// the tokens where the feature fires (activation > 0); density = fireCount / tokenCount.
package dev.loupe.store;

import dev.loupe.util.ConfigException;

public record FeatureStats(int feature, long fireCount, long tokenCount, double meanAct, double maxAct) {
    public FeatureStats {
        if (feature < 0) throw new ConfigException("feature index " + feature + " is negative");
        if (tokenCount <= 0 || fireCount < 0 || fireCount > tokenCount)
            throw new ConfigException("feature " + feature + ": fire count " + fireCount + " of " + tokenCount + " tokens is impossible");
        if (!Double.isFinite(meanAct) || !Double.isFinite(maxAct))
            throw new ConfigException("feature " + feature + ": mean/max activation " + meanAct + "/" + maxAct + " is not finite");
    }

    public double density() { return (double) fireCount / tokenCount; }
}
