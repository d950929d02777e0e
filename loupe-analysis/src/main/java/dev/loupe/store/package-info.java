/**
 * The feature store: one SQLite file per workspace (xerial sqlite-jdbc, WAL) holding models,
 * dictionaries with their eval metrics, published feature analyses (statistics, examples,
 * histograms, logit tables, per-token tables, neighbours), explanations with scores, and probe
 * results. Schema version 1 is {@code migrations/V001.sql} in this package's resources, version 2
 * ({@code V002.sql}) adds random examples; later versions add V003.sql, ... (forward-only; a store from a newer Loupe is refused).
 *
 * <p>Usage: {@link dev.loupe.store.FeatureStore#open} (read-write) or
 * {@link dev.loupe.store.FeatureStore#openReadOnly}; register a model and a dictionary; write an
 * analysis with {@link dev.loupe.store.FeatureStore#beginAnalysis} →
 * {@link dev.loupe.store.AnalysisWriter} → {@code commit()}; query with {@code listFeatures},
 * {@code feature}, {@code search}, {@code featuresForToken}, {@code compare}.
 *
 * <p>Guarantee: an analysis becomes visible all at once when its writer commits; readers never
 * see a partial one, and a writer that dies leaves the previous analysis readable.
 */
package dev.loupe.store;
