package dev.loupe.interp.prompt;

import dev.loupe.interp.ActivationRecord;
import dev.loupe.interp.Discretisation;
import java.util.List;

/**
 * Bills et al.'s explanation prompt: for each few-shot unit and then the unit to explain, its
 * excerpts as token<TAB>activation lines between {@code <start>}/{@code <end>} (values discretised
 * with the max over that unit's records); when fewer than 20% of the values are non-zero, the same
 * excerpts again with the zeros removed; then "Explanation of neuron N behavior: the main thing this
 * neuron does is find", which the model completes. Structure follows neuron-explainer's
 * TokenActivationPairExplainer; the wording of the instructions is Loupe's own.
 */
public final class ExplanationPrompt {
    public static final String PREFIX = "the main thing this neuron does is find";
    /** Repeat the non-zero tokens when the non-zero fraction is below this. */
    public static final double REPEAT_NON_ZERO_BELOW = 0.2;

    static final String SYSTEM = "We are interpreting units (neurons or dictionary features) inside a language model. "
            + "Each unit responds to some particular pattern in text. For each unit you are shown short excerpts with the "
            + "unit's activation on every token, one token<tab>activation pair per line. Activations are integers from 0 to 10: "
            + "0 means the unit is silent, 10 is its strongest response. Summarise in one short phrase what the unit responds to; "
            + "describe the pattern rather than listing every token.";

    private ExplanationPrompt() {}

    public static Prompt build(List<ActivationRecord> records) { return build(records, FewShotExamples.DEFAULT); }

    public static Prompt build(List<ActivationRecord> records, List<FewShotExamples.Example> examples) {
        if (records.isEmpty()) throw new IllegalArgumentException("explanation prompt needs at least one excerpt");
        Prompt.Builder b = new Prompt.Builder().add(ChatMessage.Role.SYSTEM, SYSTEM);
        for (int i = 0; i < examples.size(); i++) {
            b.add(ChatMessage.Role.USER, unitBlock(examples.get(i).records(), i + 1));
            b.add(ChatMessage.Role.ASSISTANT, " " + examples.get(i).explanation() + ".");
        }
        b.add(ChatMessage.Role.USER, unitBlock(records, examples.size() + 1));
        return b.build();
    }

    static String unitBlock(List<ActivationRecord> records, int n) {
        double max = Discretisation.maxActivation(records);
        StringBuilder sb = new StringBuilder("\n\nNeuron ").append(n).append("\nActivations:")
                .append(ActivationFormat.records(records, max, false));
        if (Discretisation.nonZeroFraction(records, max) < REPEAT_NON_ZERO_BELOW) {
            sb.append("\nSame excerpts, non-zero activations only:").append(ActivationFormat.records(records, max, true));
        }
        return sb.append("\nExplanation of neuron ").append(n).append(" behavior: ").append(PREFIX).toString();
    }

    /** The explanation in a completion: the echoed prefix, surrounding space and a final period removed. */
    public static String parseCompletion(String completion) {
        String s = completion.strip();
        if (s.startsWith(PREFIX)) s = s.substring(PREFIX.length()).strip();
        int nl = s.indexOf('\n');
        if (nl >= 0) s = s.substring(0, nl).strip();
        if (s.endsWith(".")) s = s.substring(0, s.length() - 1).strip();
        return s;
    }
}
