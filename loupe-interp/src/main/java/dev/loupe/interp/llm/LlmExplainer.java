package dev.loupe.interp.llm;

import dev.loupe.interp.ActivationRecord;
import dev.loupe.interp.Explainer;
import dev.loupe.interp.Explanation;
import dev.loupe.interp.InterpFailure;
import dev.loupe.interp.prompt.ExplanationPrompt;
import dev.loupe.interp.prompt.Prompt;
import java.util.List;
import java.util.Map;

/**
 * Bills et al.'s explainer on an OpenAI-compatible chat server: the explanation prompt
 * ({@link ExplanationPrompt}), one completion, the explanation parsed out of it. The token look-up
 * table is not shown to the model (Bills's activation-based explainer does not use it).
 */
public final class LlmExplainer implements Explainer {
    private final OpenAiClient client;
    private final int maxTokens;
    private final double temperature;

    public LlmExplainer(OpenAiClient client, int maxTokens, double temperature) {
        this.client = client;
        this.maxTokens = maxTokens;
        this.temperature = temperature;
    }

    public LlmExplainer(OpenAiClient client) { this(client, 60, 0.0); }

    @Override public String name() { return "openai:" + client.config().model(); }

    @Override public Explanation explain(List<ActivationRecord> records, Map<String, Double> lookupTable) {
        Prompt prompt = ExplanationPrompt.build(records);
        ChatReply r = client.chat(prompt, maxTokens, temperature, false);
        String text = ExplanationPrompt.parseCompletion(r.content());
        if (text.isEmpty()) throw new InterpFailure("llm explainer returned an empty explanation");
        return new Explanation(text, null, name(), prompt.hash());
    }
}
