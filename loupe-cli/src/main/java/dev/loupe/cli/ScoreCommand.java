package dev.loupe.cli;

import dev.loupe.interp.ExtraScoring;
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
        description = {"Score a given explanation of one feature.",
                "Scored on the feature's top-and-random and random-only sets.",
                "The explanation is stored with the scores (method --method); free text is simulated by the chosen simulator.",
                "--scorers adds detection, fuzzing and ablation (needs --model) scores."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe score --store loupe.db --dictionary sae --feature 12 --explanation 'the token \"import\"'",
                "  loupe score --store loupe.db --dictionary sae --feature 12 --explanation 'closing braces' --simulator allatonce --sim-model models/gpt2",
                "  loupe score --store loupe.db --dictionary neurons@blocks.0.mlp.hook_post --feature 3 --explanation 'the token \"import\"' \\",
                "      --scorers detection,fuzzing,ablation --model models/loupe-1l"})
final class ScoreCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "FILE", description = "Feature store (from `loupe analyze`).") Path store;
    @Option(names = "--dictionary", required = true, description = "Dictionary name in the store.") String dictionary;
    @Option(names = "--feature", required = true, description = "Feature index.") int feature;
    @Option(names = "--explanation", required = true, description = "The explanation to score.") String text;
    @Option(names = "--method", defaultValue = "manual", description = "Method stored with it (default: ${DEFAULT-VALUE}).") String method;
    @Mixin InterpBackendOptions backends;
    @Mixin InterpScorerOptions scorers;

    @Override public Integer call() {
        scorers.check();
        try (FeatureStore s = InterpBackendOptions.openStore(store)) {
            var d = s.requireDictionary(dictionary);
            var opts = scorers.apply(backends.options(), s, d);
            FeatureResult r = InterpPipeline.scoreExplanation(s, d.id(), feature, text, opts.withExplainer(opts.explainer(), method));
            if (r.status() != FeatureResult.Status.DONE) throw new LoupeException("feature " + feature + " was not scored: " + r.reason());
            var out = spec.commandLine().getOut();
            String row = "%-" + (r.extras().isEmpty() ? 15 : 27) + "s %s%n";
            out.printf(Locale.ROOT, row + row, "top_and_random", r.topAndRandomScore(), "random_only", r.randomOnlyScore());
            for (ExtraScoring.Outcome o : r.extras()) {
                for (int i = 0; i < o.scores().size(); i++) out.printf(Locale.ROOT, row, o.kind().storedKinds().get(i), o.scores().get(i));
                if (o.failure() != null) out.println("  failed: " + o.failure());
                else if (o.note() != null) out.println("  undefined: " + o.note());
                if (o.detail() != null) out.println("  " + o.detail());
            }
            out.flush();
            return 0;
        }
    }
}
