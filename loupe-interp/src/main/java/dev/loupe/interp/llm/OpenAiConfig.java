package dev.loupe.interp.llm;

import dev.loupe.util.ConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings for an OpenAI-compatible chat-completions server (vLLM, llama.cpp server, Ollama, hosted
 * APIs). The API key is never stored here: only the name of the environment variable holding it.
 *
 * @param baseUrl        e.g. {@code http://127.0.0.1:8000/v1} ({@code /chat/completions} is appended)
 * @param model          model name sent in each request
 * @param apiKeyEnv      environment variable with the key, or null for servers without auth
 * @param timeout        per-request timeout
 * @param maxRetries     retries after the first attempt for 429, 5xx, timeouts and I/O errors
 * @param initialBackoff first retry delay; doubles each retry (a Retry-After header wins when longer)
 * @param maxConcurrency requests in flight at once
 * @param tokenBudget    total tokens (prompt + completion, from {@code usage}) allowed; 0 = unlimited.
 *                       Checked before each request, so requests already in flight may overshoot it.
 * @param cacheDir       directory for cached replies keyed by request hash, or null for no cache
 * @param topLogprobs    alternatives requested per generated token in logprob mode (≤ 20)
 */
public record OpenAiConfig(URI baseUrl, String model, String apiKeyEnv, Duration timeout, int maxRetries,
                           Duration initialBackoff, int maxConcurrency, long tokenBudget, Path cacheDir, int topLogprobs) {
    public OpenAiConfig {
        if (baseUrl == null || baseUrl.getScheme() == null || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
            throw new ConfigException("llm base URL '" + baseUrl + "' must be an http(s) URL such as http://127.0.0.1:8000/v1");
        }
        if (model == null || model.isBlank()) throw new ConfigException("llm model name is empty: set the model the server serves (e.g. gpt-4o-mini)");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new ConfigException("llm timeout must be positive, got " + timeout);
        if (maxRetries < 0) throw new ConfigException("llm maxRetries must be ≥ 0, got " + maxRetries);
        if (initialBackoff == null || initialBackoff.isNegative()) throw new ConfigException("llm initialBackoff must be ≥ 0, got " + initialBackoff);
        if (maxConcurrency < 1) throw new ConfigException("llm maxConcurrency must be ≥ 1, got " + maxConcurrency);
        if (tokenBudget < 0) throw new ConfigException("llm tokenBudget must be ≥ 0 (0 = unlimited), got " + tokenBudget);
        if (topLogprobs < 1 || topLogprobs > 20) throw new ConfigException("llm topLogprobs must be in 1..20, got " + topLogprobs);
    }

    /** Defaults: no key, 60 s timeout, 4 retries from 1 s, 4 concurrent, no budget, no cache, 15 top logprobs. */
    public static OpenAiConfig of(String baseUrl, String model) {
        return new OpenAiConfig(URI.create(baseUrl), model, null, Duration.ofSeconds(60), 4, Duration.ofSeconds(1), 4, 0, null, 15);
    }

    public OpenAiConfig withApiKeyEnv(String env) { return new OpenAiConfig(baseUrl, model, env, timeout, maxRetries, initialBackoff, maxConcurrency, tokenBudget, cacheDir, topLogprobs); }
    public OpenAiConfig withTimeout(Duration t) { return new OpenAiConfig(baseUrl, model, apiKeyEnv, t, maxRetries, initialBackoff, maxConcurrency, tokenBudget, cacheDir, topLogprobs); }
    public OpenAiConfig withRetries(int n, Duration backoff) { return new OpenAiConfig(baseUrl, model, apiKeyEnv, timeout, n, backoff, maxConcurrency, tokenBudget, cacheDir, topLogprobs); }
    public OpenAiConfig withMaxConcurrency(int n) { return new OpenAiConfig(baseUrl, model, apiKeyEnv, timeout, maxRetries, initialBackoff, n, tokenBudget, cacheDir, topLogprobs); }
    public OpenAiConfig withTokenBudget(long b) { return new OpenAiConfig(baseUrl, model, apiKeyEnv, timeout, maxRetries, initialBackoff, maxConcurrency, b, cacheDir, topLogprobs); }
    public OpenAiConfig withCacheDir(Path d) { return new OpenAiConfig(baseUrl, model, apiKeyEnv, timeout, maxRetries, initialBackoff, maxConcurrency, tokenBudget, d, topLogprobs); }

    public URI chatCompletionsUri() {
        String s = baseUrl.toString();
        return URI.create((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + "/chat/completions");
    }
}
