// Settings of one streaming feature analysis (FeatureAnalyzer): how many examples of each kind to
// keep per feature, how wide their excerpts are, histogram and logit-table sizes, neighbours, and
// whether to compute the rank-one ablation effect and, for a hook before the last block, from how
// many sampled windows (AblationWindows). Not a corpus or model setting: those are the
// caller's (the windows it passes in). Defaults follow Anthropic's / Neuronpedia's feature pages
// in spirit (20 top contexts, a few activation-quantile groups, a handful of random windows).
package dev.loupe.features;

import dev.loupe.util.ConfigException;

public record AnalysisOptions(int topK, int quantileGroups, int perQuantile, int randomExamples, int exampleWindow,
                             int histogramBins, int logitTopN, int neighbours, boolean ablationEffects, long seed,
                              int ablationWindows) {
    public AnalysisOptions {
        positive("topK", topK);
        positive("quantileGroups", quantileGroups);
        positive("perQuantile", perQuantile);
        if (randomExamples < 0) throw new ConfigException("analysis option randomExamples = " + randomExamples + " must be >= 0");
        positive("exampleWindow", exampleWindow);
        positive("histogramBins", histogramBins);
        positive("logitTopN", logitTopN);
        if (neighbours < 0) throw new ConfigException("analysis option neighbours = " + neighbours + " must be >= 0");
        if ((long) quantileGroups * perQuantile > 10_000 || topK > 10_000 || randomExamples > 10_000)
            throw new ConfigException("analysis keeps at most 10000 examples of a kind per feature; lower topK / quantileGroups x perQuantile / randomExamples");
        if (ablationWindows < 1 || ablationWindows > 100_000)
            throw new ConfigException("analysis option ablationWindows = " + ablationWindows + " must be in [1, 100000]");
    }

    /** With the default number of ablation windows (AblationWindows.DEFAULT). */
    public AnalysisOptions(int topK, int quantileGroups, int perQuantile, int randomExamples, int exampleWindow,
                           int histogramBins, int logitTopN, int neighbours, boolean ablationEffects, long seed) {
        this(topK, quantileGroups, perQuantile, randomExamples, exampleWindow, histogramBins, logitTopN, neighbours, ablationEffects, seed,
                AblationWindows.DEFAULT);
    }

    private static void positive(String name, int v) {
        if (v < 1) throw new ConfigException("analysis option " + name + " = " + v + " must be >= 1");
    }

    /** 20 top contexts, 5 quantile groups x 4, 10 random windows of 64 tokens, 32 histogram bins, 10 logits, 10 neighbours, ablation on (128 windows). */
    public static AnalysisOptions defaults() {
        return new AnalysisOptions(20, 5, 4, 10, 64, 32, 10, 10, true, 0);
    }

    public AnalysisOptions withAblation(boolean on) {
        return new AnalysisOptions(topK, quantileGroups, perQuantile, randomExamples, exampleWindow, histogramBins, logitTopN, neighbours, on, seed, ablationWindows);
    }

    /** For a hook before the last block: the ablation samples come from this many windows (AblationWindows). */
    public AnalysisOptions withAblationWindows(int windows) {
        return new AnalysisOptions(topK, quantileGroups, perQuantile, randomExamples, exampleWindow, histogramBins, logitTopN, neighbours, ablationEffects, seed, windows);
    }

    public AnalysisOptions withExamples(int top, int groups, int per, int random, int window) {
        return new AnalysisOptions(top, groups, per, random, window, histogramBins, logitTopN, neighbours, ablationEffects, seed, ablationWindows);
    }
}
