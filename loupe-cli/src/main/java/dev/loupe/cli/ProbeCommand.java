package dev.loupe.cli;

import dev.loupe.probe.ProbeDataset;
import dev.loupe.probe.ProbeRun;
import dev.loupe.probe.ProbeSweep;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Sparse probing: the fewest neurons / SAE features that predict a concept (Gurnee et al. 2023).",
                "Prints test metrics for each k and selection method, writes probe.json and a PNG per concept with --out."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe probe-data --concept java-javadoc --out javadoc.jsonl",
                "  loupe probe --dataset javadoc.jsonl --model models/loupe-1l --hook blocks.0.mlp.hook_post --k 1,2,4,8 --out probe-javadoc",
                "  loupe probe --dataset javadoc.jsonl --model models/loupe-1l --hook blocks.0.mlp.hook_post --dictionary sae-dir --store loupe.db",
                "  loupe probe --dataset synthetic.jsonl --dictionary pca:24 --k 1,2,3"})
final class ProbeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "FILE", description = "Probing dataset (JSONL, see `loupe probe-data`).") Path dataset;
    @Option(names = "--model", paramLabel = "PATH", description = "Model (HF folder or llama2.c .bin); not needed for precomputed activations.") Path model;
    @Option(names = "--hook", paramLabel = "NAME", description = "Hook whose activations are the neurons, e.g. blocks.0.mlp.hook_post.") String hook;
    @Option(names = "--dictionary", paramLabel = "SAE_DIR|pca:N|ica:N|random:N", description = "Also probe feature codes: an SAE folder on this hook, or a baseline fitted on the probe rows.") String dictionary;
    @Option(names = "--k", split = ",", paramLabel = "K", description = "k values, 'all' for every unit (default: 1..8, 10, 12, 16, 32, ..., all).") List<String> ks;
    @Option(names = "--methods", split = ",", defaultValue = "optimal,f_stat,mean_diff,mutual_info",
            description = "Selection methods: optimal, f_stat, mean_diff, mutual_info, l1_path (slow on wide layers) (default: ${DEFAULT-VALUE}).") List<String> methods;
    @Option(names = "--aggregation", description = "Sequence labels: last, mean or max over the tokens (default: the dataset's).") String aggregation;
    @Option(names = "--max-rows", defaultValue = "20000", description = "Labelled rows to use at most (default: ${DEFAULT-VALUE}).") int maxRows;
    @Option(names = "--test-fraction", defaultValue = "0.25", description = "Documents held out for testing (default: ${DEFAULT-VALUE}).") double testFraction;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the split by document (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--out", paramLabel = "DIR", description = "Write probe.json and probe-<concept>.png here.") Path out;
    @Option(names = "--store", paramLabel = "FILE", description = "Add the k <= 8 probes to this feature store.") Path store;

    @Override public Integer call() {
        var pw = spec.commandLine().getOut();
        List<ProbeSweep.Selection> sel = methods.stream().map(m -> parse(ProbeSweep.Selection.class, m, "method")).toList();
        ProbeDataset.Aggregation agg = aggregation == null ? null : parse(ProbeDataset.Aggregation.class, aggregation, "aggregation");
        int[] k = ks == null ? null : ks.stream().mapToInt(ProbeCommand::k).toArray();
        ProbeRun.run(new ProbeRun.Config(dataset, model, hook, dictionary, sel, k, agg, maxRows, testFraction, seed, out, store), pw);
        if (out != null) pw.println("wrote " + out.resolve("probe.json"));
        pw.flush();
        return 0;
    }

    private static int k(String v) {
        if (v.trim().equalsIgnoreCase("all")) return ProbeRun.ALL;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("--k value '" + v + "' must be a whole number or 'all'");
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String v, String what) {
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(what + " '" + v + "' must be one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }
}
