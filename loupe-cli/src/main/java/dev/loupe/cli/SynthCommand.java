package dev.loupe.cli;

import dev.loupe.sae.train.SaeTrainer;
import dev.loupe.sae.train.TrainSaeConfig;
import dev.loupe.synthetic.SyntheticConfig;
import dev.loupe.synthetic.SyntheticExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Train SAEs on synthetic data with known features and report recovery (MMCS, MCC).",
                "Generates the data, trains several architectures on one stream of it, and scores each against the truth."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe synth 512:128:5", "  loupe synth 256:64:4 --arch standard,topk,jumprelu --set totalSteps=2000"})
final class SynthCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "N_FEATURES:DIM:K", description = "N true features in DIM dimensions, K active on average.")
    String data;
    @Option(names = "--arch", split = ",", defaultValue = "standard,topk", description = "Architectures to train (default: ${DEFAULT-VALUE}).")
    List<String> archs;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a train config key for every run (repeatable).")
    List<String> sets;
    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--mcc-rows", defaultValue = "4096", description = "Held-out samples for MCC (default: ${DEFAULT-VALUE}).")
    int mccRows;

    @Override public Integer call() {
        var pw = spec.commandLine().getOut();
        SyntheticConfig s = SyntheticConfig.parse(data, seed);
        List<TrainSaeConfig> cfgs = new ArrayList<>();
        for (String a : archs) cfgs.add(SyntheticExperiment.defaultConfig(s, a.trim()).overlay(null, sets));
        var results = SyntheticExperiment.run(s, cfgs, SaeTrainer.Options.to(pw), mccRows);
        pw.printf(Locale.ROOT, "%-10s %7s %7s %7s %8s %8s%n", "arch", "d_sae", "MMCS", "MCC", "L0", "FVU");
        for (var r : results)
            pw.printf(Locale.ROOT, "%-10s %7d %7.4f %7.4f %8.2f %8.5f%n", r.config().architecture(), r.config().dSae(), r.mmcs(), r.mcc(), r.l0(), r.fvu());
        pw.flush();
        return 0;
    }
}
