package dev.loupe.cli;

import dev.loupe.interp.AblationTarget;
import dev.loupe.interp.InterpOptions;
import dev.loupe.interp.ScorerKind;
import dev.loupe.store.DictionaryInfo;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Flags of {@code interp run} and {@code score} choosing the scorers, and the model the ablation scorer runs. */
final class InterpScorerOptions {
    @Option(names = "--scorers", paramLabel = "LIST", defaultValue = "simulation",
            description = "Scorers: simulation (always), detection, fuzzing, ablation, comma-separated (default: ${DEFAULT-VALUE}). "
                    + "Detection and fuzzing use the simulator as the classifier; ablation needs --model.")
    String scorers;
    @Option(names = "--model", paramLabel = "DIR", description = "The model the dictionary was analysed on (for --scorers ablation).")
    Path model;
    @Option(names = "--sae", paramLabel = "DIR", description = "SAE folder with the dictionary's directions, for ablation (default: the folder the store recorded; the neuron basis needs none).")
    Path sae;

    /** {@code o} with the chosen scorers; loads the model and the dictionary only when ablation is among them. */
    InterpOptions apply(InterpOptions o, DictionaryInfo d) {
        List<ScorerKind> kinds = ScorerKind.parseList(scorers);
        AblationTarget target = kinds.contains(ScorerKind.ABLATION) ? AblationTarget.resolve(d, model, sae) : null;
        return o.withScorers(kinds, target);
    }
}
