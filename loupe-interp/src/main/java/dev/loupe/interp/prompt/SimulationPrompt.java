package dev.loupe.interp.prompt;

import dev.loupe.interp.Discretisation;
import java.util.ArrayList;
import java.util.List;

/**
 * Bills et al.'s "all at once" simulation prompt: few-shot units with their explanation and
 * activations, then the explanation to simulate and the excerpt with every value written as
 * {@code unknown}. A causal LM reading this prompt predicts, at the position right after each tab,
 * the next token; restricted to "0".."10" and renormalised, its expected value is the simulated
 * activation. Structure follows neuron-explainer's ExplanationNeuronSimulator; the wording is Loupe's.
 */
public final class SimulationPrompt {
    static final String SYSTEM = "We are predicting how a unit (neuron or dictionary feature) of a language model responds to text, "
            + "given a description of what it looks for. Lines have the form token<tab>activation; activations are integers "
            + "from 0 (silent) to 10 (strongest response), and \"unknown\" marks a value to predict. Most activations are 0.\n";

    private SimulationPrompt() {}

    /**
     * The flat all-at-once prompt and, for each token of the excerpt, the character offset in
     * {@code text} where its {@code unknown} value starts (the model's prediction for that slot is
     * read at the token just before that offset).
     */
    public record SlotPrompt(String text, int[] slotOffsets) {}

    public static Prompt build(String explanation, String[] tokens) { return build(explanation, tokens, FewShotExamples.DEFAULT); }

    public static Prompt build(String explanation, String[] tokens, List<FewShotExamples.Example> examples) {
        Prompt.Builder b = new Prompt.Builder().add(ChatMessage.Role.SYSTEM, SYSTEM);
        for (int i = 0; i < examples.size(); i++) {
            FewShotExamples.Example e = examples.get(i);
            b.add(ChatMessage.Role.USER, header(i + 1, e.explanation()));
            b.add(ChatMessage.Role.ASSISTANT, "\nActivations:" + ActivationFormat.records(e.records(), Discretisation.maxActivation(e.records()), false) + "\n");
        }
        b.add(ChatMessage.Role.USER, header(examples.size() + 1, explanation.strip()));
        b.add(ChatMessage.Role.ASSISTANT, "\nActivations:" + ActivationFormat.unknowns(tokens));
        return b.build();
    }

    public static SlotPrompt slots(String explanation, String[] tokens) { return slots(explanation, tokens, FewShotExamples.DEFAULT); }

    public static SlotPrompt slots(String explanation, String[] tokens, List<FewShotExamples.Example> examples) {
        String text = build(explanation, tokens, examples).flat();
        // the final block is "\n<start>\n" + lines + "\n<end>\n"; walk it to find each slot exactly
        String block = ActivationFormat.unknowns(tokens);
        int base = text.length() - block.length(), pos = "\n<start>\n".length();
        List<Integer> offs = new ArrayList<>();
        for (String t : tokens) {
            pos += t.length() + 1;  // token and tab
            offs.add(base + pos);
            pos += ActivationFormat.UNKNOWN.length() + 1;  // value and newline
        }
        return new SlotPrompt(text, offs.stream().mapToInt(Integer::intValue).toArray());
    }

    static String header(int n, String explanation) {
        return "\n\nNeuron " + n + "\nExplanation of neuron " + n + " behavior: " + ExplanationPrompt.PREFIX + " " + explanation;
    }
}
