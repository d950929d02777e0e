package dev.loupe.interp.llm;

import dev.loupe.interp.ActivationRecord;
import dev.loupe.interp.Explainer;
import dev.loupe.interp.Explanation;
import dev.loupe.interp.InterpFailure;
import dev.loupe.interp.prompt.ExplanationPrompt;
import dev.loupe.interp.prompt.Prompt;
import dev.loupe.interp.prompt.TokenListPrompt;
import java.util.List;
import java.util.Map;

/**
 * Token-space explainer (Bills et al. §3.1 baselines): explains a feature from the top {@code k}
 * tokens of its score table alone — the token look-up table (mean activation per token), or, for
 * the weight-based baseline, a table of embedding × W_in scores passed in the same argument. The
 * excerpts are ignored.
 */
public final class LlmTokenListExplainer implements Explainer {
    private final OpenAiClient client;
    private final int k;

    public LlmTokenListExplainer(OpenAiClient client, int k) {
        if (k < 1) throw new IllegalArgumentException("token-list explainer needs k ≥ 1, got " + k);
        this.client = client;
        this.k = k;
    }

    @Override public String name() { return "openai-tokens:" + client.config().model(); }

    @Override public Explanation explain(List<ActivationRecord> records, Map<String, Double> tokenScores) {
        List<String> top = TokenListPrompt.topTokens(tokenScores, k);
        if (top.isEmpty()) throw new InterpFailure("token-list explainer needs a non-empty token table (look-up table or weight scores)");
        Prompt prompt = TokenListPrompt.build(top);
        String text = ExplanationPrompt.parseCompletion(client.chat(prompt, 60, 0.0, false).content());
        if (text.isEmpty()) throw new InterpFailure("llm token-list explainer returned an empty explanation");
        return new Explanation(text, null, name(), prompt.hash());
    }
}
