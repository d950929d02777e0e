package dev.loupe.cli;

import dev.loupe.sae.io.SaeLensFormat;
import dev.loupe.sae.train.SaeTrainer;
import dev.loupe.sae.train.TrainSaeConfig;
import dev.loupe.synthetic.SyntheticConfig;
import dev.loupe.synthetic.SyntheticExperiment;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "train-sae", mixinStandardHelpOptions = true,
        description = {"Train a sparse autoencoder (with --synthetic: on generated data with known features).",
                "With --synthetic the last line printed is MMCS=<value> (mean max cosine similarity to the true features)."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe train-sae --synthetic 512:128:5",
                "  loupe train-sae --synthetic 512:128:5 --arch topk --set totalSteps=5000 --out sae-dir",
                "  loupe train-sae --synthetic 256:64:4 --config train.json"})
final class TrainSaeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--synthetic", paramLabel = "N_FEATURES:DIM:K", description = "Train on synthetic data: N features in DIM dimensions, K active on average.")
    String synthetic;
    @Option(names = "--arch", defaultValue = "standard", description = "standard, topk, batchtopk, jumprelu or gated (default: ${DEFAULT-VALUE}).")
    String arch;
    @Option(names = "--tied", description = "standard only: tied encoder = decoderᵀ (Cunningham et al.).")
    boolean tied;
    @Option(names = "--config", paramLabel = "FILE", description = "JSON train config laid over the defaults (keys as in TrainSaeConfig).")
    Path config;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config key, e.g. --set lr=1e-3 (repeatable).")
    List<String> sets;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic data and training (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--out", paramLabel = "DIR", description = "Write the trained SAE as a SAELens folder.")
    Path out;

    @Override public Integer call() {
        if (synthetic == null)
            throw new ConfigException("train-sae needs --synthetic N_FEATURES:DIM:K for now (training on model activations comes with loupe harvest)");
        var pw = spec.commandLine().getOut();
        SyntheticConfig s = SyntheticConfig.parse(synthetic, seed);
        TrainSaeConfig cfg = SyntheticExperiment.defaultConfig(s, arch, tied).overlay(config, sets);
        var r = SyntheticExperiment.run(s, List.of(cfg), SaeTrainer.Options.to(pw), 0).get(0);
        if (out != null) {
            SaeLensFormat.write(r.sae(), out, null);
            pw.println("wrote " + out);
        }
        pw.printf(Locale.ROOT, "L0=%.3f FVU=%.5f%n", r.l0(), r.fvu());
        pw.printf(Locale.ROOT, "MMCS=%.4f%n", r.mmcs());
        pw.flush();
        return 0;
    }
}
