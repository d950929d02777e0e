package dev.loupe.cli;

import dev.loupe.interp.InterpOptions;
import dev.loupe.interp.InterpPipeline;
import dev.loupe.interp.InterpSummary;
import dev.loupe.store.Explanation;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.Score;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain and score a few features of a dictionary and print their explanations.",
                "Same pipeline as `loupe interp run`; features explained before with the same method are shown, not redone."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe explain --store loupe.db --dictionary sae --features 12",
                "  loupe explain --store loupe.db --dictionary sae --features 0-9 --simulator allatonce --sim-model models/gpt2"})
final class ExplainCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "FILE", description = "Feature store (from `loupe analyze`).") Path store;
    @Option(names = "--dictionary", required = true, description = "Dictionary name in the store.") String dictionary;
    @Option(names = "--features", required = true, paramLabel = "LIST", description = "Features, e.g. 12 or 0-9,40.") String features;
    @Mixin InterpBackendOptions backends;

    @Override public Integer call() {
        try (FeatureStore s = InterpBackendOptions.openStore(store)) {
            long d = s.requireDictionary(dictionary).id();
            List<Integer> fs = InterpBackendOptions.features(features);
            InterpOptions opts = backends.options().withFeatures(fs);
            InterpSummary sum = InterpPipeline.run(s, d, opts, null);
            var out = spec.commandLine().getOut();
            var skips = s.interpSkips(d, opts.method());
            for (int f : fs) {
                List<Explanation> es = s.explanations(d, f).stream().filter(e -> e.method().equals(opts.method())).toList();
                if (!es.isEmpty()) {
                    Explanation e = es.get(es.size() - 1);
                    out.printf(Locale.ROOT, "feature %d: %s%n", f, e.text());
                    for (Score sc : e.scores()) out.printf(Locale.ROOT, "  %-15s %s%n", sc.kind(), sc.defined() ? String.format(Locale.ROOT, "%.4f", sc.value()) : "undefined");
                } else {
                    out.printf(Locale.ROOT, "feature %d: not explained (%s)%n", f,
                            skips.getOrDefault(f, sum.failures().getOrDefault(f, "no result")));
                }
            }
            out.flush();
            return 0;
        }
    }
}
