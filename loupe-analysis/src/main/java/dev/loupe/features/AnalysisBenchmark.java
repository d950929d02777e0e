// The analysis-cost benchmark of issue 5: on the same windows, time the harvest (the forward pass
// to the hook, batched as FeatureAnalyzer batches it) and then the full analysis into a scratch
// store, and report the analysis time as a fraction of the harvest time measured in the same run
// (the machine is shared, so only same-run ratios mean anything). Also builds the stand-in for a
// trained SAE when none is at hand: a random standard SAE whose per-feature thresholds are set
// from calibration activations so that each feature fires on a chosen fraction of tokens.
package dev.loupe.features;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Transformer;
import dev.loupe.sae.Sae;
import dev.loupe.sae.SaeConfig;
import dev.loupe.sae.Saes;
import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.ModelInfo;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.Rng;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

public final class AnalysisBenchmark {
    private static final int BATCH = 32;

    private AnalysisBenchmark() {}

    public record Result(long tokens, int features, double harvestSeconds, AnalysisSummary analysis) {
        /** Everything the analysis adds (encode, statistics, pages) over the harvest. */
        public double ratio() { return analysis.analysisSeconds() / harvestSeconds; }
        /** The same without the dictionary encode (what a cached-codes pipeline would add). */
        public double ratioWithoutEncode() { return (analysis.statsSeconds() + analysis.finishSeconds()) / harvestSeconds; }

        @Override public String toString() {
            return String.format(Locale.ROOT, "tokens %,d, features %d, mean L0 %.1f%nharvest (forward to the hook) %.2fs%n"
                            + "analysis: encode %.2fs, statistics %.2fs, pages %.2fs (forward inside the analysis run %.2fs)%n"
                            + "analysis / harvest = %.3f (without encode %.3f)",
                    tokens, features, analysis.meanL0(), harvestSeconds, analysis.encodeSeconds(), analysis.statsSeconds(), analysis.finishSeconds(),
                    analysis.forwardSeconds(), ratio(), ratioWithoutEncode());
        }
    }

    public static Result run(Transformer m, Tokenizer tok, String hook, Dictionary dict, List<TokenWindows.Window> windows,
                             AnalysisOptions o, Path store, PrintStream progress) {
        int[][] ids = TokenWindows.tokens(windows);
        m.runWithCache(Arrays.copyOf(ids, Math.min(BATCH, ids.length)), List.of(hook));            // warm-up
        long t0 = System.nanoTime();
        for (int b = 0; b < ids.length; b += BATCH)
            m.runWithCache(Arrays.copyOfRange(ids, b, Math.min(ids.length, b + BATCH)), List.of(hook));
        double harvest = (System.nanoTime() - t0) / 1e9;
        try (FeatureStore s = FeatureStore.open(store)) {
            long model = s.putModel(ModelInfo.of(m.config().name(), m.config().name(), null));
            long d = s.putDictionary(DictionaryInfo.of("bench-" + dict.kind() + "-" + dict.dFeatures(), model, hook, dict.kind(), dict.dIn(), dict.dFeatures()));
            try (AnalysisWriter out = s.beginAnalysis(d, "{\"benchmark\":true}")) {
                AnalysisSummary a = FeatureAnalyzer.analyze(m, tok, hook, dict, windows.iterator(), o, out, progress);
                out.commit();
                return new Result(a.tokens(), dict.dFeatures(), harvest, a);
            }
        }
    }

    /**
     * A random standard SAE (unit decoder rows, encoder = decoder^T) whose encoder bias puts each
     * feature's threshold at its (1 - density) quantile over the calibration windows' activations.
     */
    public static Sae randomSae(Transformer m, String hook, List<TokenWindows.Window> calibration, int features, double density, long seed) {
        float[] x = m.runWithCache(TokenWindows.tokens(calibration), List.of(hook)).get(hook).data();
        int n = calibration.size() * calibration.getFirst().tokens().length, dIn = x.length / n;
        Sae sae = Saes.init(SaeConfig.of("standard", dIn, features, 0, false), new Rng(seed), 0);
        float[] pre = sae.encode(new Tensor(x, n, dIn)).data();     // ReLU(x W_enc): biases are still zero
        float[] bEnc = sae.param("b_enc").data(), col = new float[n];
        int q = Math.min(n - 1, (int) Math.floor((1 - density) * n));
        for (int f = 0; f < features; f++) {
            for (int r = 0; r < n; r++) col[r] = pre[r * features + f];
            Arrays.sort(col);
            bEnc[f] = -col[q];
        }
        return sae;
    }
}
