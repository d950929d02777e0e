package dev.loupe.cli;

import dev.loupe.server.LoupeServer;
import dev.loupe.server.ServerConfig;
import dev.loupe.server.demo.DemoOptions;
import dev.loupe.server.demo.DemoPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code loupe demo}: the whole pipeline ({@link DemoPipeline}) and then the feature browser on its store. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The whole workflow on the built-in model: harvest MLP activations from the JDK sources, train an SAE and the baselines, "
                + "analyse and auto-interpret every feature, write a feature store and open it in the browser. Reruns reuse finished stages."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe demo", "  loupe demo --no-serve --tokens 200000 --train-tokens 400000 --analysis-tokens 50000",
                "  loupe demo --model ~/models/pythia-70m --hook blocks.2.mlp.hook_post --corpus ~/text --workspace work/pythia"})
final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", defaultValue = "models/loupe-1l", description = "HF model directory or llama2.c .bin (default ${DEFAULT-VALUE}).")
    Path model;
    @Option(names = "--tokenizer", description = "Tokenizer file (default: next to the model).") Path tokenizer;
    @Option(names = "--corpus", description = "Text directory, .zip or .jsonl (default: this JDK's lib/src.zip).") Path corpus;
    @Option(names = "--hook", defaultValue = DemoOptions.DEFAULT_HOOK, description = "Hook the dictionaries read (default ${DEFAULT-VALUE}).") String hook;
    @Option(names = "--workspace", defaultValue = "work/demo", description = "Folder for stage outputs and the store (default ${DEFAULT-VALUE}).") Path workspace;
    @Option(names = "--tokens", description = "Tokens harvested for SAE training and baselines (default 1000000).") Long tokens;
    @Option(names = "--train-tokens", description = "Activation rows the SAE trains on (default 400000).") Long trainTokens;
    @Option(names = "--expansion", description = "SAE width as a multiple of the hook's width, R (default 8).") Integer expansion;
    @Option(names = "--k", description = "Active features per token of the TopK SAE (default 32).") Integer k;
    @Option(names = "--analysis-tokens", description = "Held-out tokens each dictionary is analysed on (default 100000).") Long analysisTokens;
    @Option(names = "--eval-tokens", description = "Held-out tokens for L0 / FVU / CE recovered (default 16000).") Long evalTokens;
    @Option(names = "--ica-components", description = "ICA components (default 32).") Integer ica;
    @Option(names = "--seed", description = "Seed of every random choice (default 0).") Long seed;
    @Option(names = "--no-serve", description = "Stop after writing the store.") boolean noServe;
    @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT, description = "Browser port (default ${DEFAULT-VALUE}; 0 = any free port).") int port;

    @Override public Integer call() throws InterruptedException {
        DemoOptions d = DemoOptions.defaults(workspace);
        DemoOptions o = new DemoOptions(model, tokenizer, corpus, hook, workspace, or(tokens, d.harvestTokens()), or(trainTokens, d.trainTokens()),
                or(expansion, d.expansion()), or(k, d.topK()), or(analysisTokens, d.analysisTokens()), or(evalTokens, d.evalTokens()),
                or(ica, d.icaComponents()), or(seed, d.seed()));
        var out = spec.commandLine().getOut();
        Path store = DemoPipeline.run(o, out, System.console() != null);
        if (noServe) return 0;
        LoupeServer server = LoupeServer.start(ServerConfig.local(store, port, Optional.of(DemoPipeline.liveModel(o, store))));
        out.println("Loupe feature browser: " + server.url() + "   (Ctrl-C stops it; `loupe serve --store " + store + " --model " + model + "` reopens it)");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { server.close(); stopped.countDown(); }));
        stopped.await();
        return 0;
    }

    private static long or(Long v, long d) { return v != null ? v : d; }

    private static int or(Integer v, int d) { return v != null ? v : d; }
}
