package dev.loupe.cli;

import dev.loupe.interp.AblationTarget;
import dev.loupe.interp.InterpOptions;
import dev.loupe.interp.ScorerKind;
import dev.loupe.interp.SplitConfig;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureStore;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Flags of {@code interp run} and {@code score}: the scoring splits, the scorers, and the model the ablation scorer runs. */
final class InterpScorerOptions {
    @Option(names = "--min-top-excerpts", defaultValue = "20", description = "Skip features with fewer non-trivial top excerpts (Bills et al.: 20; the demo uses 10; default: ${DEFAULT-VALUE}).")
    int minTop;
    @Option(names = "--random-only", defaultValue = "10", description = "Random excerpts in the random-only scoring set (default: ${DEFAULT-VALUE}; the demo uses 5).")
    int randomOnly;
    @Option(names = "--scorers", paramLabel = "LIST", defaultValue = "simulation",
            description = "Scorers: simulation (always), detection, fuzzing, ablation, comma-separated (default: ${DEFAULT-VALUE}). "
                    + "Detection and fuzzing use the simulator as the classifier; ablation needs --model.")
    String scorers;
    @Option(names = "--model", paramLabel = "DIR", description = "The model the dictionary was analysed on (for --scorers ablation).")
    Path model;
    @Option(names = "--sae", paramLabel = "DIR|FILE", description = "SAE folder or saved baseline with the dictionary's directions, for ablation (default: what the store recorded; the neuron basis needs none).")
    Path sae;

    /** Fails on bad values before anything is opened. */
    void check() {
        if (minTop < 10) throw new ConfigException("--min-top-excerpts " + minTop + " must be >= 10 (5 explain + 5 scoring excerpts)");
        if (randomOnly < 0) throw new ConfigException("--random-only " + randomOnly + " must be >= 0");
        ScorerKind.parseList(scorers);
    }

    /** {@code o} with these splits and scorers; loads the model and the dictionary only when ablation is among them. */
    InterpOptions apply(InterpOptions o, FeatureStore store, DictionaryInfo d) {
        check();
        List<ScorerKind> kinds = ScorerKind.parseList(scorers);
        AblationTarget target = kinds.contains(ScorerKind.ABLATION) ? AblationTarget.resolve(d, store.path().toAbsolutePath().getParent(), model, sae) : null;
        return o.withSplits(new SplitConfig(5, 5, 5, randomOnly, minTop, 5)).withScorers(kinds, target);
    }
}
