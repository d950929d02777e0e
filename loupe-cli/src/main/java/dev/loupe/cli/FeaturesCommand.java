package dev.loupe.cli;

import dev.loupe.features.FeatureReports;
import dev.loupe.store.FeatureQuery;
import dev.loupe.store.FeatureStore;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe features}: read a feature store as tables ({@link FeatureReports}). */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Query a feature store: list dictionaries or features, show one feature's page, search text.",
                "Actions: dicts | list | show FEATURE | search TEXT..."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe features --store loupe.db dicts",
                "  loupe features --store loupe.db list --sort max_act --limit 20",
                "  loupe features --store loupe.db show 42 --dict neurons@blocks.0.mlp.hook_post",
                "  loupe features --store loupe.db search public static"})
final class FeaturesCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "PATH", description = "Feature store written by `loupe analyze`.") Path store;
    @Option(names = "--dict", paramLabel = "NAME", description = "Dictionary (default: the store's only one).") String dict;
    @Option(names = "--sort", defaultValue = "density", description = "list: feature, density, mean_act, max_act or score (default: ${DEFAULT-VALUE}).") String sort;
    @Option(names = "--ascending", description = "list: smallest first.") boolean ascending;
    @Option(names = "--limit", defaultValue = "20", description = "Rows to print (default: ${DEFAULT-VALUE}).") int limit;
    @Parameters(index = "0", paramLabel = "ACTION", description = "dicts, list, show or search.") String action;
    @Parameters(index = "1..*", paramLabel = "ARG", description = "show: the feature index; search: the words.") List<String> args = List.of();

    @Override public Integer call() {
        if (!Files.isRegularFile(store)) throw new ConfigException("feature store " + store + " does not exist; create it with `loupe analyze`");
        var out = spec.commandLine().getOut();
        try (FeatureStore s = FeatureStore.openReadOnly(store)) {
            switch (action) {
                case "dicts" -> FeatureReports.dictionaries(s, out);
                case "list" -> {
                    FeatureQuery q = FeatureQuery.by(sortColumn()).limit(limit);
                    FeatureReports.list(s, FeatureReports.dictionary(s, dict), ascending ? q.ascending() : q, out);
                }
                case "show" -> FeatureReports.show(s, FeatureReports.dictionary(s, dict), feature(), 5, out);
                case "search" -> {
                    if (args.isEmpty()) throw new ConfigException("features search needs words to look for, e.g. `loupe features --store " + store + " search public static`");
                    FeatureReports.search(s, String.join(" ", args), limit, out);
                }
                default -> throw new ConfigException("unknown action '" + action + "'; use dicts, list, show FEATURE or search TEXT");
            }
        }
        out.flush();
        return 0;
    }

    private FeatureQuery.Sort sortColumn() {
        try {
            return FeatureQuery.Sort.valueOf(sort.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--sort " + sort + " is not one of feature, density, mean_act, max_act, score");
        }
    }

    private int feature() {
        if (args.size() != 1) throw new ConfigException("features show needs one feature index, e.g. `show 42`");
        try {
            return Integer.parseInt(args.getFirst());
        } catch (NumberFormatException e) {
            throw new ConfigException("feature index '" + args.getFirst() + "' is not a number");
        }
    }
}
