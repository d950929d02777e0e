// One row of the feature list: statistics of the published analysis plus, when the query names a
// score kind, the best score of that kind and the explanation that earned it (else NaN / null).
package dev.loupe.store;

public record FeatureSummary(int feature, double density, double meanAct, double maxAct, long fireCount,
                             double score, String explanation) {}
