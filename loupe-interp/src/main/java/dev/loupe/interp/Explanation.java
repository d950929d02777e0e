package dev.loupe.interp;

/**
 * An explanation of a feature: the human-readable sentence (completing "the main thing this neuron
 * does is find …") and, for the built-in explainer, a machine-readable JSON form its simulator applies.
 *
 * @param text        human-readable explanation
 * @param machineForm JSON for {@code dev.loupe.interp.builtin.RuleSet}, or null for free text
 * @param source      who produced it (e.g. "builtin-stat", "openai:gpt-4o", "puzzle-truth")
 * @param promptHash  {@link dev.loupe.interp.prompt.Prompt#hash()} of the prompt an LLM explainer sent, or null
 */
public record Explanation(String text, String machineForm, String source, String promptHash) {
    public Explanation {
        if (text == null) throw new IllegalArgumentException("explanation text is required");
        if (source == null) source = "unknown";
    }

    public Explanation(String text, String machineForm, String source) { this(text, machineForm, source, null); }

    public static Explanation ofText(String text) { return new Explanation(text, null, "text"); }
}
