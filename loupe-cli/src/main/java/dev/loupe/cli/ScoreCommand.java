package dev.loupe.cli;

import dev.loupe.interp.FeatureResult;
import dev.loupe.interp.InterpPipeline;
import dev.loupe.store.FeatureStore;
import dev.loupe.util.LoupeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score a given explanation of one feature on its top-and-random and random-only sets.",
                "The explanation is stored with the scores (method --method); free text is simulated by the chosen simulator."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe score --store loupe.db --dictionary sae --feature 12 --explanation 'the token \"import\"'",
                "  loupe score --store loupe.db --dictionary sae --feature 12 --explanation 'closing braces' --simulator allatonce --sim-model models/gpt2"})
final class ScoreCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "FILE", description = "Feature store (from `loupe analyze`).") Path store;
    @Option(names = "--dictionary", required = true, description = "Dictionary name in the store.") String dictionary;
    @Option(names = "--feature", required = true, description = "Feature index.") int feature;
    @Option(names = "--explanation", required = true, description = "The explanation to score.") String text;
    @Option(names = "--method", defaultValue = "manual", description = "Method stored with it (default: ${DEFAULT-VALUE}).") String method;
    @Mixin InterpBackendOptions backends;

    @Override public Integer call() {
        try (FeatureStore s = InterpBackendOptions.openStore(store)) {
            long d = s.requireDictionary(dictionary).id();
            var opts = backends.options();
            FeatureResult r = InterpPipeline.scoreExplanation(s, d, feature, text, opts.withExplainer(opts.explainer(), method));
            if (r.status() != FeatureResult.Status.DONE) throw new LoupeException("feature " + feature + " was not scored: " + r.reason());
            var out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "top_and_random  %s%nrandom_only     %s%n", r.topAndRandomScore(), r.randomOnlyScore());
            out.flush();
            return 0;
        }
    }
}
