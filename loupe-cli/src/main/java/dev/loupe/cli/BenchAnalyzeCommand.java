package dev.loupe.cli;

import dev.loupe.activations.CorpusHarvest;
import dev.loupe.corpus.TokenWindows;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.features.AnalysisBenchmark;
import dev.loupe.features.AnalysisOptions;
import dev.loupe.features.AnalyzeJob;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.sae.io.SaeFolders;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code loupe bench analyze}: feature-analysis time as a fraction of the harvest time of the same windows ({@link AnalysisBenchmark}). */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Time the forward pass to a hook over held-out windows, then the full feature analysis of a "
                + "dictionary on the same windows (commit included), and report each part of the analysis as a "
                + "fraction of that harvest (target: at most 0.25 in all), with the FLOP ratio encode / forward."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe bench analyze --model models/loupe-1l --hook blocks.0.hook_resid_post --features 4096",
                "  loupe bench analyze --model models/loupe-1l --random 4x768 --hook blocks.1.hook_resid_post --features 6144 --tokens 20000",
                "  loupe bench analyze --model models/loupe-1l --hook blocks.0.hook_resid_post --sae sae-dir --tokens 200000"})
final class BenchAnalyzeCommand implements Callable<Integer> {
    /** Windows for a --random model: loupe-1l's context, not GPT-2's 1024 (same windows per token budget). */
    private static final int RANDOM_CONTEXT = 128;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory (with --random: only its tokenizer is used).") Path model;
    @Option(names = "--random", paramLabel = "LxD", description = "Instead of the model: a random GPT-2-shaped model with L layers and d_model D (as `bench forward --random`).") String random;
    @Option(names = "--hook", required = true) String hook;
    @Option(names = "--sae", paramLabel = "DIR", description = "SAE folder (default: a random SAE of --features calibrated to --density).") Path sae;
    @Option(names = "--features", defaultValue = "4096", description = "Random SAE size (default: ${DEFAULT-VALUE}).") int features;
    @Option(names = "--density", defaultValue = "0.01", description = "Random SAE firing fraction per feature (default: ${DEFAULT-VALUE}).") double density;
    @Option(names = "--tokens", defaultValue = "100000", description = "Held-out tokens (default: ${DEFAULT-VALUE}).") long tokens;
    @Option(names = "--corpus", paramLabel = "PATH", description = "Corpus (default: the JDK's src.zip).") Path corpus;
    @Option(names = "--no-ablation", description = "Leave out the rank-one ablation effect.") boolean noAblation;
    @Option(names = "--ablation-windows", paramLabel = "W", description = "For a hook before the last block: windows sampled for the ablation effect, run through the whole model once (default: ${DEFAULT-VALUE}).")
    int ablationWindows = AnalysisOptions.defaults().ablationWindows();

    @Override public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        Transformer m;
        if (random != null) {
            var src = new BenchForwardCommand.Source();
            src.random = random;
            m = BenchForwardCommand.load(src);
        } else {
            m = ModelLoader.load(model);
        }
        Tokenizer tok = Tokenizers.load(ModelLoader.tokenizerNextTo(model));
        List<TokenWindows.Window> ws = new ArrayList<>();
        int ctx = random != null ? RANDOM_CONTEXT : m.config().nCtx();
        try (CorpusHarvest.Windows held = CorpusHarvest.windows(corpus, true, tok, m, ctx)) {
            AnalyzeJob.limit(held, tokens, ctx).forEachRemaining(ws::add);
        }
        Dictionary dict = sae != null ? SaeFolders.read(sae) : AnalysisBenchmark.randomSae(m, hook, ws.subList(0, Math.min(16, ws.size())), features, density, 1);
        Path dir = Files.createTempDirectory("loupe-bench-analyze");
        try {
            var r = AnalysisBenchmark.run(m, tok, hook, dict, ws, AnalysisOptions.defaults().withAblation(!noAblation).withAblationWindows(ablationWindows), dir.resolve("bench.db"), System.out);
            out.println(r);
        } finally {
            try (var files = Files.walk(dir)) { files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
        }
        out.flush();
        return 0;
    }
}
