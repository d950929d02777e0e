package dev.loupe.cli;

import dev.loupe.features.AnalysisOptions;
import dev.loupe.features.AnalyzeJob;
import dev.loupe.features.SplittingMap;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code loupe analyze}: streaming feature analysis of a dictionary into the feature store ({@link AnalyzeJob}). */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Analyse every feature of a dictionary (an SAE folder or a baseline basis) on held-out text and "
                + "publish the result in a feature store: statistics, examples, token tables, logit effects, neighbours.",
                "With --splitting: instead, write the feature-splitting map of SAEs of increasing size on one site "
                + "(each feature's best matches by decoder cosine in the next larger SAE) as JSON."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe analyze --model models/loupe-1l --store loupe.db --baseline neurons --hook blocks.0.mlp.hook_post",
                "  loupe analyze --model models/loupe-1l --store loupe.db --sae sae-dir --hook blocks.0.hook_resid_post --tokens 200000",
                "  loupe analyze --model models/loupe-1l --store loupe.db --baseline pca --hook blocks.0.hook_resid_post --corpus docs/",
                "  loupe analyze --splitting sae-1024,sae-4096,sae-16384 --out splitting.json --matches 5"})
final class AnalyzeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "HF model directory or llama2.c .bin (required unless --splitting).") Path model;
    @Option(names = "--store", paramLabel = "PATH", description = "Feature store (SQLite file; created if missing; required unless --splitting).") Path store;
    @Option(names = "--sae", paramLabel = "DIR", description = "SAE folder (SAELens or sparsify layout).") Path sae;
    @Option(names = "--baseline", paramLabel = "KIND", description = "Instead of --sae: neurons, random, pca or ica.") String baseline;
    @Option(names = "--features", defaultValue = "0", description = "Size of a random/pca/ica baseline (default: the hook width).") int features;
    @Option(names = "--hook", description = "Hook the dictionary reads, e.g. blocks.0.mlp.hook_post (required unless --splitting).") String hook;
    @Option(names = "--corpus", paramLabel = "PATH", description = "Text directory, .zip or .jsonl (default: the JDK's src.zip); its held-out split is analysed.") Path corpus;
    @Option(names = "--tokens", defaultValue = "100000", description = "Held-out tokens to analyse (default: ${DEFAULT-VALUE}).") long tokens;
    @Option(names = "--name", description = "Dictionary name in the store (default: the SAE folder name or BASELINE@HOOK).") String name;
    @Option(names = "--no-ablation", description = "Skip the rank-one ablation logit effect.") boolean noAblation;
    @Option(names = "--random-weights", paramLabel = "SEED", description = "Analyse a re-initialised copy of the model (same architecture; the random-weights control of `interp report`).") Long randomWeights;
    @Option(names = "--random-examples", defaultValue = "10", description = "Uniformly random windows kept per feature (auto-interp's random scoring records; the demo keeps 20; default: ${DEFAULT-VALUE}).") int randomExamples;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the example reservoirs and random baselines (default: ${DEFAULT-VALUE}).") long seed;

    @Option(names = "--splitting", split = ",", paramLabel = "SAE_DIR", description = "SAE folders of one site, smallest first, comma-separated: write their feature-splitting map to --out.") List<Path> splitting;
    @Option(names = "--out", paramLabel = "FILE", description = "--splitting: the JSON file to write.") Path out;
    @Option(names = "--matches", defaultValue = "3", description = "--splitting: best matches per feature (default: ${DEFAULT-VALUE}).") int matches;

    @Override public Integer call() {
        if (splitting != null) return splittingMap();
        if (model == null || store == null || hook == null)
            throw new ConfigException("analyze needs --model, --store and --hook (or --splitting SAE_DIR,SAE_DIR,... --out FILE for a feature-splitting map)");
        AnalysisOptions d = AnalysisOptions.defaults();
        AnalysisOptions o = new AnalysisOptions(d.topK(), d.quantileGroups(), d.perQuantile(), randomExamples, d.exampleWindow(),
                d.histogramBins(), d.logitTopN(), d.neighbours(), !noAblation, seed);
        new AnalyzeJob(model, store, sae, baseline, features, hook, corpus, tokens, name, o, randomWeights).run(spec.commandLine().getOut());
        return 0;
    }

    private int splittingMap() {
        if (out == null) throw new ConfigException("--splitting needs --out FILE.json, the map to write");
        if (model != null || store != null || sae != null || baseline != null)
            throw new ConfigException("--splitting reads only the SAE folders it lists; leave out --model, --store, --sae and --baseline");
        var json = SplittingMap.write(splitting, matches, out);
        var w = spec.commandLine().getOut();
        w.printf("wrote the feature-splitting map of %d SAEs (%d pairs, %d matches per feature) to %s%n",
                splitting.size(), json.get("maps").size(), matches, out);
        w.flush();
        return 0;
    }
}
