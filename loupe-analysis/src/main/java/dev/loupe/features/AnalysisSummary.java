// What one FeatureAnalyzer pass saw and where its time went. forwardSeconds is the model run up to
// the hook (the harvest), encodeSeconds the dictionary encode, statsSeconds the streaming
// per-feature work, finishSeconds the end-of-pass work (logit tables, ablation, neighbours) plus
// handing every row to the AnalysisWriter, split in pages. ablation names how the ablation effect was computed
// ("exact", "direct-path" or "off"; see HookPath). For a hook before the last block the ablation
// samples come from ablationWindows sampled windows run through the whole model after the pass
// (ablationSampleSeconds: their forward, encode and sampling; AblationWindows); 0 windows means
// they were sampled over the whole corpus (a last-block hook) or the ablation is off.
// ablationFeatures counts the features that got at least one ablation sample.
package dev.loupe.features;

public record AnalysisSummary(long tokens, int windows, int features, int deadFeatures, double meanL0,
                             double forwardSeconds, double encodeSeconds, double statsSeconds, double finishSeconds,
                             String ablation, Pages pages, int ablationWindows, int ablationFeatures, double ablationSampleSeconds) {
    /** Parts of finishSeconds: direct logit tables, ablation effect, neighbours, rows handed to the writer. */
    public record Pages(double logitSeconds, double ablationSeconds, double neighbourSeconds, double rowSeconds) {}

    /** Time the analysis adds to the harvest: everything but the forward pass to the hook. */
    public double analysisSeconds() { return encodeSeconds + statsSeconds + ablationSampleSeconds + finishSeconds; }
}
