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

    static final String CHAT_SYSTEM_LINES = "We are predicting how a unit (neuron or dictionary feature) of a language model responds to text, "
            + "given a description of what it looks for. You receive the excerpt as token<tab>unknown lines between <start> and <end>. "
            + "Reply with the same lines in the same order, each token followed by a tab and its predicted activation, an integer "
            + "from 0 (silent) to 10 (strongest response), between <start> and <end>. Most activations are 0. Reply with nothing else.";
    static final String CHAT_SYSTEM_JSON = "We are predicting how a unit (neuron or dictionary feature) of a language model responds to text, "
            + "given a description of what it looks for. You receive the excerpt as token<tab>unknown lines between <start> and <end>. "
            + "Reply with a JSON object {\"activations\": [...]} holding one integer from 0 (silent) to 10 (strongest response) per "
            + "token, in order, exactly as many as there are tokens. Most activations are 0. Reply with the JSON object only.";

    /**
     * The chat form for servers that cannot continue a prefilled assistant message: each few-shot
     * unit is a user turn (explanation + tokens marked unknown) answered by an assistant turn, and the
     * model answers the last user turn itself — by re-emitting token<TAB>value lines
     * ({@code json == false}, read with top logprobs) or with a JSON object ({@code json == true}).
     */
    public static Prompt chat(String explanation, String[] tokens, boolean json) { return chat(explanation, tokens, json, FewShotExamples.DEFAULT); }

    public static Prompt chat(String explanation, String[] tokens, boolean json, List<FewShotExamples.Example> examples) {
        Prompt.Builder b = new Prompt.Builder().add(ChatMessage.Role.SYSTEM, json ? CHAT_SYSTEM_JSON : CHAT_SYSTEM_LINES);
        for (int i = 0; i < examples.size(); i++) {
            FewShotExamples.Example e = examples.get(i);
            double max = Discretisation.maxActivation(e.records());
            for (var r : e.records()) {
                b.add(ChatMessage.Role.USER, chatTurn(i + 1, e.explanation(), r.tokens()));
                String answer = json ? jsonLevels(Discretisation.levels(r, max)) : ActivationFormat.records(List.of(r), max, false).strip();
                b.add(ChatMessage.Role.ASSISTANT, answer);
            }
        }
        b.add(ChatMessage.Role.USER, chatTurn(examples.size() + 1, explanation.strip(), tokens));
        return b.build();
    }

    private static String chatTurn(int n, String explanation, String[] tokens) {
        return header(n, explanation).strip() + "\nActivations:" + ActivationFormat.unknowns(tokens);
    }

    private static String jsonLevels(int[] levels) {
        StringBuilder sb = new StringBuilder("{\"activations\": [");
        for (int i = 0; i < levels.length; i++) sb.append(i > 0 ? ", " : "").append(levels[i]);
        return sb.append("]}").toString();
    }

    static String header(int n, String explanation) {
        return "\n\nNeuron " + n + "\nExplanation of neuron " + n + " behavior: " + ExplanationPrompt.PREFIX + " " + explanation;
    }
}
