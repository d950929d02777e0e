package dev.loupe.cli;

import dev.loupe.interp.InterpOptions;
import dev.loupe.interp.InterpReport;
import dev.loupe.interp.ScorerKind;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Compare auto-interp scores across bases (Fig. 2 analogue).",
                "Bases: SAE, neurons, PCA, ICA, random directions, random-weights model.",
                "Mean top-and-random and random-only scores with 95% bootstrap CIs: a table and a PNG (Cunningham et al. Fig. 2)."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe interp report --store loupe.db --png interp.png",
                "  loupe interp report --store loupe.db --dictionaries sae,neurons,pca,ica,random --simulator allatonce:gpt2",
                "  loupe interp report --store loupe.db --scorer detection --png detection.png"})
final class InterpReportCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "FILE", description = "Feature store.") Path store;
    @Option(names = "--dictionaries", split = ",", description = "Dictionaries to compare, in this order (default: all in the store).") List<String> names;
    @Option(names = "--method", defaultValue = "builtin-stat", description = "Explanation method to compare (default: ${DEFAULT-VALUE}).") String method;
    @Option(names = "--simulator", defaultValue = InterpOptions.BUILTIN_SIMULATOR, description = "Simulator whose scores to compare (default: ${DEFAULT-VALUE}).") String simulator;
    @Option(names = "--scorer", defaultValue = "simulation", description = "Scores to compare: simulation, detection, fuzzing or ablation (default: ${DEFAULT-VALUE}).") String scorer;
    @Option(names = "--png", paramLabel = "FILE", description = "Write the bar chart here.") Path png;
    @Option(names = "--resamples", defaultValue = "1000", description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).") int resamples;

    @Override public Integer call() {
        try (FeatureStore s = FeatureStore.openReadOnly(store)) {
            List<DictionaryInfo> ds = new ArrayList<>();
            if (names == null) ds.addAll(s.dictionaries());
            else for (String n : names) ds.add(s.requireDictionary(n.strip()));
            ScorerKind kind = ScorerKind.parse(scorer);
            var byBasis = InterpReport.fromStore(s, ds, method, simulator, kind, resamples, 1);
            var out = spec.commandLine().getOut();
            out.print(InterpReport.table(byBasis, kind));
            if (png != null) {
                InterpReport.png(byBasis, png, kind);
                out.println("wrote " + png);
            }
            out.flush();
            return 0;
        }
    }
}
