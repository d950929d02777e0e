/**
 * The feature store: one SQLite file per workspace (xerial sqlite-jdbc, WAL) holding models,
 * dictionaries with their eval metrics, published feature analyses (statistics, examples,
 * histograms, logit tables, per-token tables, neighbours), explanations with scores, and probe
 * results. Schema version 1 is {@code migrations/V001.sql} in this package's resources, version 2
 * ({@code V002.sql}) adds random examples, V003 fills the full-text index at publish, V004 stores each
 * example window once per run ({@code excerpts}) and per-feature lists as one JSON row; later versions
 * add V005.sql, ... (forward-only; a store from a newer Loupe is refused). Read-only opens of V002 and
 * V003 stores see them in the current shape through temporary views ({@code read-V002.sql}).
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
