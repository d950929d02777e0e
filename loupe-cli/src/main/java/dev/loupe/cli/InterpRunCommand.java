package dev.loupe.cli;

import dev.loupe.interp.InterpPipeline;
import dev.loupe.interp.InterpSummary;
import dev.loupe.store.FeatureStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Explain and score a dictionary's features (resumable).",
                "Features already explained with the same method are skipped; results are stored as they finish.",
                "--scorers adds detection, fuzzing (simulator as classifier) and ablation (needs --model) scores;",
                "on a store explained before, only the missing scores are computed."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe interp run --store loupe.db --dictionary sae",
                "  loupe interp run --store loupe.db --dictionary sae --features 0-99 --simulator allatonce --sim-model models/gpt2",
                "  OPENAI_API_KEY=... loupe interp run --store loupe.db --dictionary sae --explainer openai --simulator openai \\",
                "      --llm-base-url https://api.openai.com/v1 --llm-model gpt-4o-mini --llm-api-key-env OPENAI_API_KEY --llm-budget 2000000",
                "  loupe interp run --store loupe.db --dictionary neurons@blocks.0.mlp.hook_post --scorers detection,fuzzing,ablation --model models/loupe-1l"})
final class InterpRunCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "FILE", description = "Feature store (from `loupe analyze`).") Path store;
    @Option(names = "--dictionary", required = true, description = "Dictionary name in the store.") String dictionary;
    @Option(names = "--features", paramLabel = "LIST", description = "Features to process, e.g. 0-99,120 (default: all).") String features;
    @Mixin InterpBackendOptions backends;
    @Mixin InterpScorerOptions scorers;

    @Override public Integer call() {
        scorers.check();
        try (FeatureStore s = InterpBackendOptions.openStore(store)) {
            var d = s.requireDictionary(dictionary);
            InterpSummary sum = InterpPipeline.run(s, d.id(), scorers.apply(backends.options(), s, d).withFeatures(InterpBackendOptions.features(features)),
                    InterpBackendOptions.stream(spec.commandLine().getErr()));
            var out = spec.commandLine().getOut();
            out.print(sum.describe());
            sum.failures().entrySet().stream().limit(10).forEach(e -> out.println("failed feature " + e.getKey() + ": " + e.getValue()));
            out.flush();
            return 0;
        }
    }
}
