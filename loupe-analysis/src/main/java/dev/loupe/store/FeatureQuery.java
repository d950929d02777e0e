// A page request for the feature list: sort column and direction, optional filters, page size,
// and either a keyset cursor (the last row of the previous page; stays fast on deep pages) or an
// offset. Sorting by SCORE lists only features that have a score of scoreKind.
package dev.loupe.store;

import dev.loupe.util.ConfigException;

public record FeatureQuery(Sort sort, boolean descending, double minDensity, double maxDensity, double minMaxAct,
                           String scoreKind, int limit, int offset, Cursor after) {
    public enum Sort { FEATURE, DENSITY, MEAN_ACT, MAX_ACT, SCORE }

    /** Position after which the next page starts: the sort value and feature index of the last row. */
    public record Cursor(double value, int feature) {}

    public FeatureQuery {
        if (sort == null) throw new ConfigException("feature query needs a sort column (feature, density, mean_act, max_act, score)");
        if (limit < 1 || limit > 10_000) throw new ConfigException("feature page size " + limit + " must be in 1..10000");
        if (offset < 0) throw new ConfigException("feature page offset " + offset + " must be >= 0");
        if (sort == Sort.SCORE && (scoreKind == null || scoreKind.isBlank()))
            throw new ConfigException("sorting features by score needs a score kind (e.g. top_and_random)");
        if (!(minDensity <= maxDensity)) throw new ConfigException("density filter " + minDensity + ".." + maxDensity + " is empty");
    }

    /** Unfiltered first page of 50 sorted by the given column, largest first. */
    public static FeatureQuery by(Sort sort) {
        return new FeatureQuery(sort, true, 0, 1, Double.NEGATIVE_INFINITY, sort == Sort.SCORE ? "top_and_random" : null, 50, 0, null);
    }

    public FeatureQuery ascending() { return new FeatureQuery(sort, false, minDensity, maxDensity, minMaxAct, scoreKind, limit, offset, after); }
    public FeatureQuery density(double min, double max) { return new FeatureQuery(sort, descending, min, max, minMaxAct, scoreKind, limit, offset, after); }
    public FeatureQuery minMaxAct(double v) { return new FeatureQuery(sort, descending, minDensity, maxDensity, v, scoreKind, limit, offset, after); }
    public FeatureQuery scoreKind(String k) { return new FeatureQuery(sort, descending, minDensity, maxDensity, minMaxAct, k, limit, offset, after); }
    public FeatureQuery limit(int n) { return new FeatureQuery(sort, descending, minDensity, maxDensity, minMaxAct, scoreKind, n, offset, after); }
    public FeatureQuery offset(int n) { return new FeatureQuery(sort, descending, minDensity, maxDensity, minMaxAct, scoreKind, limit, n, after); }
    public FeatureQuery after(Cursor c) { return new FeatureQuery(sort, descending, minDensity, maxDensity, minMaxAct, scoreKind, limit, offset, c); }
}
