/**
 * Sparse probing (Gurnee et al. 2023, "Finding Neurons in a Haystack"): given activations
 * X [n, units] with binary labels and document ids ({@link dev.loupe.probe.ProbeData}), rank units
 * ({@link dev.loupe.probe.UnitRanking}: mean difference, F statistic, binned mutual information,
 * L1 path), fit class-balanced L2 logistic probes on the top k
 * ({@link dev.loupe.probe.LogisticRegression}), search k-sparse probes for k &le; 8
 * ({@link dev.loupe.probe.SparseProbeSearch}: greedy + single swaps, a local optimum), and sweep
 * the paper's k grid with held-out {@link dev.loupe.probe.Metrics} ({@link dev.loupe.probe.ProbeSweep}).
 * {@link dev.loupe.probe.SyntheticProbing} plants a monosemantic and a superposed concept for tests.
 *
 * <p>Datasets and the pipeline: {@link dev.loupe.probe.ProbeDataset} is the JSONL format (character
 * spans, sequence labels or precomputed activations), {@link dev.loupe.probe.ProbeDatasets} writes
 * the built-in concepts (Java via {@link dev.loupe.probe.JavaLexer}, stories, synthetic),
 * {@link dev.loupe.probe.ProbeActivations} turns a dataset into labelled rows of a hook or a
 * dictionary's codes ({@link dev.loupe.probe.TokenAlignment} maps labels to tokens), and
 * {@link dev.loupe.probe.ProbeRun} is {@code loupe probe}: sweep, table, JSON, PNG, feature store.
 */
package dev.loupe.probe;
