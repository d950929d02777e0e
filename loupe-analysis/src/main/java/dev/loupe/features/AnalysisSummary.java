// What one FeatureAnalyzer pass saw and where its time went. forwardSeconds is the model run up to
// the hook (the harvest), encodeSeconds the dictionary encode, statsSeconds the streaming
// per-feature work, finishSeconds the end-of-pass work (logit tables, ablation, neighbours) plus
// handing every row to the AnalysisWriter, split in pages. ablation names how the ablation effect was computed
// ("exact", "direct-path" or "off"; see HookPath).
package dev.loupe.features;

public record AnalysisSummary(long tokens, int windows, int features, int deadFeatures, double meanL0,
                             double forwardSeconds, double encodeSeconds, double statsSeconds, double finishSeconds,
                             String ablation, Pages pages) {
    /** Parts of finishSeconds: direct logit tables, ablation effect, neighbours, rows handed to the writer. */
    public record Pages(double logitSeconds, double ablationSeconds, double neighbourSeconds, double rowSeconds) {}

    /** Time the analysis adds to the harvest: everything after the forward pass. */
    public double analysisSeconds() { return encodeSeconds + statsSeconds + finishSeconds; }
}
