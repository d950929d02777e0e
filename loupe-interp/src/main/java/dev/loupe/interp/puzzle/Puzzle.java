package dev.loupe.interp.puzzle;

import dev.loupe.interp.ActivationRecord;
import java.util.List;

/**
 * A neuron puzzle (Bills et al. §3.7.2): sentences with hand-set activations (0–10) of a synthetic
 * neuron, the ground-truth explanation and several false ones.
 *
 * @param kind free-form category ("token", "context", "negation", "next-token", "positional",
 *             "concept"); "unspecified" for puzzle files without it
 */
public record Puzzle(String name, String kind, String explanation, List<String> falseExplanations, List<ActivationRecord> sentences) {
    public Puzzle {
        if (name == null || explanation == null) throw new IllegalArgumentException("puzzle needs a name and an explanation");
        if (falseExplanations == null || falseExplanations.isEmpty()) throw new IllegalArgumentException("puzzle " + name + " needs at least one false explanation");
        if (sentences == null || sentences.isEmpty()) throw new IllegalArgumentException("puzzle " + name + " has no sentences");
        falseExplanations = List.copyOf(falseExplanations);
        sentences = List.copyOf(sentences);
        if (kind == null) kind = "unspecified";
    }
}
