package dev.loupe.interp.prompt;

import dev.loupe.interp.ActivationRecord;
import java.util.List;

/**
 * Few-shot examples for the explanation and simulation prompts, written for Loupe (hand-made units
 * with hand-set activations; not neuron-explainer's examples). Tokens use GPT-2 style leading spaces.
 */
public final class FewShotExamples {
    /** One example unit: excerpts with raw activations and the explanation that completes the prefix. */
    public record Example(List<ActivationRecord> records, String explanation) {}

    private FewShotExamples() {}

    private static ActivationRecord rec(String[] tokens, float... acts) { return new ActivationRecord(tokens, acts); }

    public static final List<Example> DEFAULT = List.of(
            new Example(List.of(
                    rec(new String[] {" She", " packed", " the", " jam", " into", " glass", " jars", " and", " stacked", " the", " boxes", " by", " the", " door", "."},
                            0, 0, 0, 0.4f, 0, 1.1f, 4.8f, 0, 0, 0, 3.6f, 0, 0, 0, 0),
                    rec(new String[] {" The", " cellar", " held", " three", " oak", " barrels", " of", " cider", "."},
                            0, 1.5f, 0, 0, 0, 5.2f, 0, 0.3f, 0)),
                    "containers and vessels for storing things, such as jars, boxes and barrels"),
            new Example(List.of(
                    rec(new String[] {"print", "(", "len", "(", "items", ")", ")", " +", " total", "(", "x", ")"},
                            0, 0, 0, 0, 0, 2.1f, 2.4f, 0, 0, 0, 0, 2.2f),
                    rec(new String[] {" if", " (", "a", " <", " b", ")", " {", " return", " f", "(", "a", ");"},
                            0, 0, 0, 0, 0, 1.0f, 0, 0, 0, 0, 0, 1.9f)),
                    "closing parentheses in source code, most strongly when they end a function call"),
            new Example(List.of(
                    rec(new String[] {" Born", " on", " 4", " March", " 1901", ",", " he", " sailed", " in", " the", " spring", "."},
                            0, 0, 0.6f, 7.5f, 1.2f, 0, 0, 0, 0, 0, 0.9f, 0),
                    rec(new String[] {" Until", " late", " October", " the", " harbour", " stayed", " open", " every", " Monday", "."},
                            0, 0, 6.0f, 0, 0, 0, 0, 0, 0.8f, 0)),
                    "names of months, especially inside dates"));
}
