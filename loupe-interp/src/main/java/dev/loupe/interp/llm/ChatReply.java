package dev.loupe.interp.llm;

import java.util.List;
import java.util.Map;

/**
 * The parts of a chat-completions reply Loupe uses: the first choice's text, its per-token
 * logprobs when the server returned them, and the token usage.
 *
 * @param logprobs generated tokens with their top alternatives; empty when the server sent none
 */
public record ChatReply(String content, List<TokenLogprobs> logprobs, long totalTokens, boolean fromCache) {
    public ChatReply { logprobs = List.copyOf(logprobs); }

    /** One generated token and its top alternatives (token string → log-probability). */
    public record TokenLogprobs(String token, double logprob, Map<String, Double> top) {
        public TokenLogprobs { top = Map.copyOf(top); }
    }
}
