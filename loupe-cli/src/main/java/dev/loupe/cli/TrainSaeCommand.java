package dev.loupe.cli;

import dev.loupe.activations.ActivationTraining;
import dev.loupe.activations.CorpusHarvest;
import dev.loupe.activations.HarvestManifest;
import dev.loupe.activations.HarvestOptions;
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
        description = {"Train sparse autoencoders on harvested activations, on a model (harvested first), or on synthetic data.",
                "--activations DIR reads a loupe harvest folder; --model DIR --tokens N harvests into --cache (default OUT/activations,",
                "resumable) and trains on that. --sweep-alpha/--sweep-ratio train one SAE per (α, R) from the same stream,",
                "each written to OUT/<name>. With --synthetic the last line printed is MMCS=<value>."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe train-sae --model models/loupe-1l --hook blocks.0.mlp.hook_post --tokens 1000000 --ratio 8 --out sae-1l",
                "  loupe train-sae --activations acts --hook blocks.0.mlp.hook_post --sweep-alpha 1,3,10 --sweep-ratio 4,8 --out sweep",
                "  loupe train-sae --activations acts --hook blocks.0.mlp.hook_post --arch topk --set k=32 --epochs 2 --out sae-topk",
                "  loupe train-sae --synthetic 512:128:5",
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
    @Option(names = "--out", paramLabel = "DIR", description = "Write the trained SAE as a SAELens folder (a sweep: one sub-folder per run).")
    Path out;
    @Option(names = "--activations", paramLabel = "DIR", description = "Train on a harvest folder (loupe harvest).")
    Path activations;
    @Option(names = "--model", paramLabel = "DIR", description = "Harvest this model first (with --hook and --tokens).")
    Path model;
    @Option(names = "--hook", paramLabel = "NAME", description = "Hook whose activations to train on.")
    String hook;
    @Option(names = "--tokens", description = "With --model: tokens to harvest.")
    Long tokens;
    @Option(names = "--corpus", paramLabel = "PATH", description = "With --model: corpus (default: this JDK's lib/src.zip, train split).")
    Path corpus;
    @Option(names = "--context", defaultValue = "128", description = "With --model: tokens per window (default: ${DEFAULT-VALUE}).")
    int context;
    @Option(names = "--cache", paramLabel = "DIR", description = "With --model: harvest folder (default: OUT/activations).")
    Path cache;
    @Option(names = "--random-weights", paramLabel = "SEED", description = "With --model: harvest a re-initialised copy of the model (random-weights control).")
    Long randomSeed;
    @Option(names = "--ratio", defaultValue = "8", description = "Expansion ratio R: d_sae = R · d_in (default: ${DEFAULT-VALUE}).")
    int ratio;
    @Option(names = "--sweep-alpha", split = ",", paramLabel = "A", description = "Sparsity coefficients α to sweep (k for topk/batchtopk).")
    List<Double> sweepAlpha;
    @Option(names = "--sweep-ratio", split = ",", paramLabel = "R", description = "Expansion ratios to sweep.")
    List<Integer> sweepRatio;
    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the harvested rows; sets totalSteps unless --set totalSteps=N (default: ${DEFAULT-VALUE}).")
    double epochs;
    @Option(names = "--shuffle-buffer", defaultValue = "32768", description = "Rows in the mixing buffer (default: ${DEFAULT-VALUE}).")
    int shuffleBuffer;

    @Override public Integer call() {
        int modes = (synthetic != null ? 1 : 0) + (activations != null ? 1 : 0) + (model != null ? 1 : 0);
        if (modes != 1) throw new ConfigException("train-sae needs exactly one of --activations DIR, --model DIR or --synthetic N_FEATURES:DIM:K");
        if (synthetic == null) return trainOnActivations();
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

    private int trainOnActivations() {
        var pw = spec.commandLine().getOut();
        if (hook == null) throw new ConfigException("train-sae needs --hook NAME with --activations or --model");
        if (out == null) throw new ConfigException("train-sae needs --out DIR for the trained SAE folder(s)");
        Path acts = activations;
        if (model != null) {
            if (tokens == null) throw new ConfigException("train-sae --model needs --tokens N (how many tokens to harvest)");
            acts = cache != null ? cache : out.resolve("activations");
            CorpusHarvest.harvest(model, randomSeed, List.of(hook), corpus, false, context, tokens, HarvestOptions.defaults(), acts, HarvestCommand.progressTo(pw));
        }
        HarvestManifest m = HarvestManifest.read(acts);
        Integer dIn = m.dIn().get(hook);
        if (dIn == null) throw new ConfigException(acts + " has no activations for hook '" + hook + "'; it holds " + m.hooks());
        TrainSaeConfig base = TrainSaeConfig.defaults(arch, dIn, ratio * dIn).with("tied", tied).with("seed", seed).overlay(config, sets);
        boolean stepsSet = sets != null && sets.stream().anyMatch(kv -> kv.startsWith("totalSteps="));
        if (!stepsSet) {
            if (!(epochs > 0)) throw new ConfigException("--epochs must be > 0, got " + epochs);
            base = base.with("totalSteps", Math.max(1, (long) Math.ceil(epochs * m.rows(hook) / base.batchSize())));
        }
        List<TrainSaeConfig> cfgs = sweepAlpha == null && sweepRatio == null ? List.of(base)
                : base.sweep(sweepAlpha != null ? sweepAlpha : List.of(arch.equals("topk") || arch.equals("batchtopk") ? (double) base.k() : base.sparsityCoefficient()),
                             sweepRatio != null ? sweepRatio : List.of(ratio));
        pw.printf(Locale.ROOT, "training %d SAE(s) on %s (%s, %d rows of width %d), %d steps of %d rows%n",
                cfgs.size(), acts, hook, m.rows(hook), dIn, base.totalSteps(), base.batchSize());
        var results = ActivationTraining.train(cfgs, acts, hook, shuffleBuffer, out, SaeTrainer.Options.to(pw), 100_000);
        for (var r : results)
            pw.printf(Locale.ROOT, "%s: L0=%.3f FVU=%.5f dead=%.2f%% -> %s%n", r.name(), r.eval().l0(), r.eval().fvu(), 100 * r.eval().deadFraction(), r.dir());
        pw.flush();
        return 0;
    }
}
