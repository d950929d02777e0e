package dev.loupe.interp.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prompt for token-space explanations (the LLM form of Bills et al.'s token look-up-table and
 * weight-based baselines, §3.1; neuron-explainer's TokenSpaceRepresentationExplainer): the model sees
 * the tokens with the highest scores — mean activation from the look-up table, or embedding × W_in
 * for the weight-based variant — as a quoted, comma-separated list, and completes the same
 * explanation prefix as the activation-based prompt, so the simulators accept its output unchanged.
 * Wording is Loupe's own.
 */
public final class TokenListPrompt {
    static final String SYSTEM = "We are interpreting units (neurons or dictionary features) inside a language model. "
            + "Each unit looks for some particular kind of token (a word or part of a word). Below are the tokens the unit "
            + "responds to most strongly, strongest first. Summarise in one short phrase what the unit looks for; describe "
            + "the kind of token rather than listing examples.";

    private TokenListPrompt() {}

    /** The {@code k} highest-scoring tokens, highest first (ties by token string for determinism). */
    public static List<String> topTokens(Map<String, Double> scores, int k) {
        List<Map.Entry<String, Double>> es = new ArrayList<>();
        for (var e : scores.entrySet()) if (e.getValue() != null && Double.isFinite(e.getValue())) es.add(e);
        es.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return es.stream().limit(k).map(Map.Entry::getKey).toList();
    }

    public static Prompt build(List<String> tokens) {
        if (tokens.isEmpty()) throw new IllegalArgumentException("token-list prompt needs at least one token");
        StringBuilder list = new StringBuilder();
        for (String t : tokens) {
            if (list.length() > 0) list.append(", ");
            list.append('\'').append(t).append('\'');
        }
        return new Prompt.Builder().add(ChatMessage.Role.SYSTEM, SYSTEM)
                .add(ChatMessage.Role.USER, "\n\nTokens:\n" + list + "\n\nExplanation: " + ExplanationPrompt.PREFIX)
                .build();
    }
}
