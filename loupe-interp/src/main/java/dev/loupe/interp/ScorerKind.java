package dev.loupe.interp;

import dev.loupe.util.ConfigException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * The scorers {@code loupe interp run} and {@code loupe score} can run on an explanation, as the
 * {@code --scorers} flag spells them, with the score kinds each one stores (the {@code scores.kind}
 * column of the feature store) and the column labels of {@code loupe interp report}.
 *
 * <ul>
 *   <li>simulation: Bills et al.'s pooled correlation on the top-and-random and random-only sets;</li>
 *   <li>detection, fuzzing: balanced accuracy and AUC of the simulator used as a classifier
 *       ({@link DetectionFuzzing});</li>
 *   <li>ablation: Bills's ablation score ({@link AblationScore}); needs the model.</li>
 * </ul>
 * Not a scorer itself: {@link ExtraScoring} runs detection, fuzzing and ablation.
 */
public enum ScorerKind {
    SIMULATION(List.of(InterpPipeline.TOP_AND_RANDOM, InterpPipeline.RANDOM_ONLY), List.of("top-and-random", "random-only"), "Pearson correlation"),
    DETECTION(List.of("detection_balanced_accuracy", "detection_auc"), List.of("detection bal. acc.", "detection AUC"), "balanced accuracy / AUC"),
    FUZZING(List.of("fuzzing_balanced_accuracy", "fuzzing_auc"), List.of("fuzzing bal. acc.", "fuzzing AUC"), "balanced accuracy / AUC"),
    ABLATION(List.of("ablation"), List.of("ablation score"), "1 − JSD(simulated) / JSD(mean)");

    private final List<String> storedKinds, labels;
    private final String axis;

    ScorerKind(List<String> storedKinds, List<String> labels, String axis) {
        this.storedKinds = storedKinds;
        this.labels = labels;
        this.axis = axis;
    }

    /** The flag spelling: simulation, detection, fuzzing, ablation. */
    public String flag() { return name().toLowerCase(Locale.ROOT); }

    /** Score kinds in the store, main one first (resume and the report key on it). */
    public List<String> storedKinds() { return storedKinds; }

    /** Report column labels, one per stored kind. */
    public List<String> labels() { return labels; }

    /** Y-axis label of the report's chart. */
    public String axis() { return axis; }

    /** Method key under which this scorer's per-feature notes (why undefined or failed) go in {@code interp_skips}. */
    public String noteKey(String method) { return method + "#" + flag(); }

    public static ScorerKind parse(String name) {
        for (ScorerKind k : values()) if (k.flag().equals(name.strip().toLowerCase(Locale.ROOT))) return k;
        throw new ConfigException("unknown scorer '" + name.strip() + "'; use simulation, detection, fuzzing or ablation");
    }

    /** Parses "simulation,detection,…"; simulation is always included (it is how a new explanation is scored). */
    public static List<ScorerKind> parseList(String list) {
        EnumSet<ScorerKind> out = EnumSet.of(SIMULATION);
        if (list == null || list.isBlank()) return List.copyOf(out);
        for (String part : list.split(",")) {
            if (part.isBlank()) throw new ConfigException("--scorers '" + list + "' has an empty entry; give e.g. simulation,detection,fuzzing,ablation");
            out.add(parse(part));
        }
        return new ArrayList<>(out);
    }
}
