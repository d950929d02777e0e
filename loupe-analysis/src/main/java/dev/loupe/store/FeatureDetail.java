// Everything the store holds about one feature, read in one snapshot: statistics, named extra
// statistics, histograms by kind, top, quantile and random examples, logit tables, per-token and
// per-range token tables, neighbours in its own dictionary, matches in other dictionaries (links
// written by this feature's run) and matches pointing at it (written by other dictionaries' runs),
// explanations with scores, and probe results that selected it.
package dev.loupe.store;

import java.util.List;
import java.util.Map;

public record FeatureDetail(long dictionaryId, int feature, FeatureSummary summary, Map<String, Double> stats,
                            Map<String, Histogram> histograms, List<Example> topExamples, List<Example> quantileExamples,
                            List<Example> randomExamples,
                            List<LogitTable> logits, List<TokenStat> tokens, Map<Integer, List<TokenStat>> rangeTokens,
                            List<Neighbour> neighbours, List<Neighbour> matchesOut, List<Neighbour> matchesIn,
                            List<Explanation> explanations, List<ProbeResult> probes) {}
