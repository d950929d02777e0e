// The analysis-cost benchmark of issue 5: on the same windows, time the harvest (the forward pass
// to the hook in batches of 32 windows; timed before and after the analysis and the faster run
// counted, since the first also pays for JIT compilation; once, after, on large corpora) and the full analysis into a scratch
// store, commit included, and report the analysis time, per part, as a fraction of the harvest
// time measured in the same run (the machine is shared, so only same-run ratios mean anything),
// and the overall ratio also in process CPU seconds, which other jobs on the cores disturb less;
// with the FLOP ratio of the encode to the forward: when the dictionary is wider than the model
// (loupe-1l: 4096 features on d_model 128) the encode alone costs more than the harvest.
// Also builds the stand-in for a trained SAE when none is at hand: a random standard SAE whose
// per-feature thresholds are set from calibration activations so that each feature fires on a
// chosen fraction of tokens.
package dev.loupe.features;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.ForwardBenchmark;
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
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

public final class AnalysisBenchmark {
    private static final int BATCH = 32;
    /**
     * Above this many tokens the harvest is timed once, after the analysis: the analysis pass runs
     * the same forward batches first, so the JIT is warm, and a large corpus (1M tokens: minutes
     * per harvest) need not pay it twice.
     */
    private static final long HARVEST_TWICE_TOKENS = 250_000;

    private AnalysisBenchmark() {}

    /**
     * One benchmark run. harvestSeconds: the forward to the hook over the windows. The overhead is
     * everything the analysis adds: the encode, the streaming statistics, the ablation sample (for a
     * hook before the last block: W windows through the whole model, encoded), the pages and the
     * commit. FLOPs per token: the forward to the hook (matmuls of the blocks up to the hook's) and
     * the dense encoder GEMM (2 d_in F). harvestTimes: 2 when the harvest was timed before and after
     * the analysis (the faster counted), 1 when only after it (large corpora: the pass has warmed the JIT).
     */
    public record Result(long tokens, int features, double harvestSeconds, AnalysisSummary analysis, double commitSeconds,
                         double forwardFlopsPerToken, double encodeFlopsPerToken, int harvestTimes, Cpu cpu) {
        public double overheadSeconds() { return analysis.analysisSeconds() + commitSeconds; }
        public double ratio() { return overheadSeconds() / harvestSeconds; }
        /** The same ratio in process CPU seconds: steadier than wall time when other jobs share the cores. */
        public double cpuRatio() { return (cpu.analysisSeconds() - cpu.harvestSeconds()) / cpu.harvestSeconds(); }
        /** The encode's FLOPs over the forward's: a floor on ratio() for any dictionary encoded densely. */
        public double encodeFlopRatio() { return encodeFlopsPerToken / forwardFlopsPerToken; }

        @Override public String toString() {
            AnalysisSummary a = analysis;
            AnalysisSummary.Pages p = a.pages();
            return String.format(Locale.ROOT, "tokens %,d, features %d, mean L0 %.1f, ablation %s, samples for %d features from %s%n"
                            + "harvest (forward to the hook)            %7.2fs  (timed %s)%n"
                            + "analysis: encode                         %7.2fs  (%.3f of harvest)%n"
                            + "          statistics (streaming)         %7.2fs  (%.3f)%n"
                            + "          ablation sample (%4d windows) %7.2fs  (%.3f)%n"
                            + "          pages: direct logit tables     %7.2fs  (%.3f)%n"
                            + "                 ablation effect         %7.2fs  (%.3f)%n"
                            + "                 neighbours              %7.2fs  (%.3f)%n"
                            + "                 rows to the store       %7.2fs  (%.3f)%n"
                            + "          commit                         %7.2fs  (%.3f)%n"
                            + "analysis / harvest = %.3f (target 0.25); in process CPU seconds %.3f (harvest %.1f, analysis pass + commit %.1f, its forward included)%n"
                            + "FLOPs per token: forward to the hook %.3g, encode %.3g (encode / forward = %.3f)",
                    tokens, features, a.meanL0(), a.ablation(), a.ablationFeatures(),
                    a.ablationWindows() == 0 ? "the whole corpus" : a.ablationWindows() + " windows", harvestSeconds,
                    harvestTimes == 2 ? "before and after the analysis, the faster" : "once, after the analysis",
                    a.encodeSeconds(), a.encodeSeconds() / harvestSeconds,
                    a.statsSeconds(), a.statsSeconds() / harvestSeconds, a.ablationWindows(), a.ablationSampleSeconds(), a.ablationSampleSeconds() / harvestSeconds,
                    p.logitSeconds(), p.logitSeconds() / harvestSeconds,
                    p.ablationSeconds(), p.ablationSeconds() / harvestSeconds, p.neighbourSeconds(), p.neighbourSeconds() / harvestSeconds,
                    p.rowSeconds(), p.rowSeconds() / harvestSeconds, commitSeconds, commitSeconds / harvestSeconds,
                    ratio(), cpuRatio(), cpu.harvestSeconds(), cpu.analysisSeconds(), forwardFlopsPerToken, encodeFlopsPerToken, encodeFlopRatio());
        }
    }

    public static Result run(Transformer m, Tokenizer tok, String hook, Dictionary dict, List<TokenWindows.Window> windows,
                             AnalysisOptions o, Path store, PrintStream progress) {
        int[][] ids = TokenWindows.tokens(windows);
        m.runWithCache(Arrays.copyOf(ids, Math.min(BATCH, ids.length)), List.of(hook));            // warm-up
        boolean twice = (long) ids.length * ids[0].length <= HARVEST_TWICE_TOKENS;
        double[] harvestBefore = twice ? harvest(m, hook, ids) : new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        int seq = ids[0].length;
        double forward = ForwardBenchmark.flops(m.config(), 1, seq) - 2.0 * seq * m.config().dModel() * m.config().vocab();   // without the unembedding
        forward *= (double) (hookLayer(hook) + 1) / m.config().nLayers() / seq;
        double encode = 2.0 * dict.dIn() * dict.dFeatures();
        try (FeatureStore s = FeatureStore.open(store)) {
            long model = s.putModel(ModelInfo.of(m.config().name(), m.config().name(), null));
            long d = s.putDictionary(DictionaryInfo.of("bench-" + dict.kind() + "-" + dict.dFeatures(), model, hook, dict.kind(), dict.dIn(), dict.dFeatures()));
            try (AnalysisWriter out = s.beginAnalysis(d, "{\"benchmark\":true}")) {
                long c0 = cpuNanos();
                AnalysisSummary a = FeatureAnalyzer.analyze(m, tok, hook, dict, windows.iterator(), o, out, progress);
                long t1 = System.nanoTime();
                out.commit();
                double commit = (System.nanoTime() - t1) / 1e9, analysisCpu = (cpuNanos() - c0) / 1e9;
                // Timed again now that the JIT has seen the whole pass: the faster of the two is the harvest.
                double[] after = harvest(m, hook, ids);
                double harvest = Math.min(harvestBefore[0], after[0]);
                Cpu cpu = new Cpu(Math.min(harvestBefore[1], after[1]), analysisCpu);
                return new Result(a.tokens(), dict.dFeatures(), harvest, a, commit, forward, encode, twice ? 2 : 1, cpu);
            }
        }
    }

    /** Process CPU seconds (all threads, JIT and GC included) of the harvest and of the analysis pass with its commit. */
    public record Cpu(double harvestSeconds, double analysisSeconds) {}

    /** Wall and process CPU seconds of the forward to the hook over all windows, in the analyzer's batches. */
    private static double[] harvest(Transformer m, String hook, int[][] ids) {
        long t0 = System.nanoTime(), c0 = cpuNanos();
        for (int b = 0; b < ids.length; b += BATCH)
            m.runWithCache(Arrays.copyOfRange(ids, b, Math.min(ids.length, b + BATCH)), List.of(hook));
        return new double[] {(System.nanoTime() - t0) / 1e9, (cpuNanos() - c0) / 1e9};
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Block index of a blocks.L.* hook; 0 for the embeddings. */
    private static int hookLayer(String hook) {
        if (!hook.startsWith("blocks.")) return 0;
        return Integer.parseInt(hook.substring(7, hook.indexOf('.', 7)));
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
