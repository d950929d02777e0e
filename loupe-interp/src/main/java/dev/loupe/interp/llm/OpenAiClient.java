package dev.loupe.interp.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.interp.InterpFailure;
import dev.loupe.interp.prompt.ChatMessage;
import dev.loupe.interp.prompt.Prompt;
import dev.loupe.util.ConfigException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Minimal client for OpenAI-compatible {@code POST /chat/completions} (java.net.http): retries with
 * exponential backoff on 429, 5xx, timeouts and I/O errors; a semaphore bounds requests in flight; a
 * token budget stops spending; replies are cached on disk by the SHA-256 of URL + request body so a
 * rerun costs nothing. Every failure becomes an {@link InterpFailure} whose one-line message names the
 * URL and status — never the API key, which is read from the environment per request and only ever
 * placed in the Authorization header.
 */
public final class OpenAiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_IN_MESSAGE = 200;
    private static final long MAX_RETRY_AFTER_MS = 60_000;

    private final OpenAiConfig config;
    private final UnaryOperator<String> env;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final AtomicLong tokensUsed = new AtomicLong();
    private final ThreadLocal<long[]> threadTokens = ThreadLocal.withInitial(() -> new long[1]);
    private final AtomicLong requestsSent = new AtomicLong();

    public OpenAiClient(OpenAiConfig config) { this(config, System::getenv); }

    /** {@code env} looks up environment variables (tests pass a map). */
    public OpenAiClient(OpenAiConfig config, UnaryOperator<String> env) {
        this.config = config;
        this.env = env;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
        this.inFlight = new Semaphore(config.maxConcurrency());
        if (config.apiKeyEnv() != null && (env.apply(config.apiKeyEnv()) == null || env.apply(config.apiKeyEnv()).isBlank())) {
            throw new ConfigException("environment variable " + config.apiKeyEnv() + " (the llm API key) is not set: export it or drop apiKeyEnv for a server without auth");
        }
    }

    public OpenAiConfig config() { return config; }

    /** Tokens spent so far (from the servers' usage reports; cached replies cost nothing). */
    public long tokensUsed() { return tokensUsed.get(); }

    /**
     * Tokens spent by requests made from the calling thread: the pipeline explains and scores each
     * feature on one thread, so the difference before and after a feature is that feature's cost.
     */
    public long tokensUsedByThisThread() { return threadTokens.get()[0]; }

    /** HTTP attempts made (retries included, cache hits excluded). */
    public long requestsSent() { return requestsSent.get(); }

    /**
     * @param maxTokens completion limit
     * @param logprobs  ask for per-token logprobs with {@code config.topLogprobs()} alternatives
     */
    public ChatReply chat(Prompt prompt, int maxTokens, double temperature, boolean logprobs) {
        String body = requestBody(prompt, maxTokens, temperature, logprobs);
        Path cached = cacheFile(body);
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                return parse(Files.readString(cached), true);
            } catch (IOException | InterpFailure e) {
                // unreadable cache entry: fall through and ask the server again
            }
        }
        String reply = send(body);
        ChatReply parsed = parse(reply, false);
        tokensUsed.addAndGet(parsed.totalTokens());
        threadTokens.get()[0] += parsed.totalTokens();
        if (cached != null) writeAtomically(cached, reply);
        return parsed;
    }

    String requestBody(Prompt prompt, int maxTokens, double temperature, boolean logprobs) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", config.model());
        ArrayNode msgs = root.putArray("messages");
        for (ChatMessage m : prompt.messages()) msgs.addObject().put("role", m.role().apiName()).put("content", m.content());
        root.put("max_tokens", maxTokens);
        root.put("temperature", temperature);
        if (logprobs) {
            root.put("logprobs", true);
            root.put("top_logprobs", config.topLogprobs());
        }
        return root.toString();
    }

    private String send(String body) {
        String url = config.chatCompletionsUri().toString();
        String last = "no attempt made";
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            if (config.tokenBudget() > 0 && tokensUsed.get() >= config.tokenBudget()) {
                throw new InterpFailure("llm token budget of " + config.tokenBudget() + " tokens is spent (" + tokensUsed.get() + " used); raise tokenBudget to continue");
            }
            long retryAfterMs = 0;
            HttpRequest.Builder rb = HttpRequest.newBuilder(config.chatCompletionsUri()).timeout(config.timeout())
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (config.apiKeyEnv() != null) rb.header("Authorization", "Bearer " + env.apply(config.apiKeyEnv()));
            try {
                inFlight.acquire();
                HttpResponse<String> res;
                try {
                    requestsSent.incrementAndGet();
                    res = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } finally {
                    inFlight.release();
                }
                int code = res.statusCode();
                if (code / 100 == 2) return res.body();
                last = "HTTP " + code + " from " + url + ": " + snippet(res.body());
                if (code != 429 && code / 100 != 5) throw new InterpFailure(last);
                retryAfterMs = res.headers().firstValue("Retry-After").map(OpenAiClient::retryAfterMs).orElse(0L);
            } catch (HttpTimeoutException e) {
                last = "timeout after " + config.timeout().toMillis() + " ms from " + url;
            } catch (IOException e) {
                last = "I/O error talking to " + url + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterpFailure("interrupted while calling " + url);
            }
            if (attempt < config.maxRetries()) sleep(Math.max(retryAfterMs, config.initialBackoff().toMillis() << Math.min(attempt, 20)));
        }
        throw new InterpFailure(last + " (gave up after " + (config.maxRetries() + 1) + " attempts)");
    }

    /** Parses a reply body; malformed or truncated JSON and missing fields are failures. */
    static ChatReply parse(String body, boolean fromCache) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InterpFailure("malformed JSON reply from the llm server: " + e.getOriginalMessage() + " in " + snippet(body));
        }
        JsonNode choice = root == null ? null : root.path("choices").path(0);
        if (choice == null || choice.isMissingNode()) throw new InterpFailure("llm reply has no choices[0]: " + snippet(body));
        JsonNode content = choice.path("message").path("content");
        if (!content.isTextual()) throw new InterpFailure("llm reply has no choices[0].message.content text: " + snippet(body));
        List<ChatReply.TokenLogprobs> lps = new ArrayList<>();
        for (JsonNode t : choice.path("logprobs").path("content")) {
            Map<String, Double> top = new HashMap<>();
            for (JsonNode alt : t.path("top_logprobs")) {
                if (!alt.path("token").isTextual() || !alt.path("logprob").isNumber()) continue;
                top.merge(alt.get("token").asText(), alt.get("logprob").asDouble(), OpenAiClient::logAddExp);
            }
            lps.add(new ChatReply.TokenLogprobs(t.path("token").asText(""), t.path("logprob").asDouble(Double.NaN), top));
        }
        long total = root.path("usage").path("total_tokens").asLong(0);
        return new ChatReply(content.asText(), lps, total, fromCache);
    }

    private static double logAddExp(double a, double b) {
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }

    private Path cacheFile(String body) {
        if (config.cacheDir() == null) return null;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(config.chatCompletionsUri().toString().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(body.getBytes(StandardCharsets.UTF_8));
            return config.cacheDir().resolve(HexFormat.of().formatHex(md.digest()) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    private static void writeAtomically(Path file, String content) {
        try {
            dev.loupe.util.AtomicFiles.writeString(file, content);
        } catch (dev.loupe.util.LoupeException e) {
            throw new InterpFailure("cannot write llm cache entry " + file + ": " + e.getMessage() + " (check cacheDir permissions)");
        }
    }

    private static long retryAfterMs(String v) {
        try {
            return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Long.parseLong(v.strip()) * 1000));
        } catch (NumberFormatException e) {
            return 0;  // an HTTP-date: fall back to our own backoff
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterpFailure("interrupted while backing off");
        }
    }

    static String snippet(String body) {
        if (body == null) return "<no body>";
        String s = body.replaceAll("\\s+", " ").strip();
        return s.length() <= MAX_BODY_IN_MESSAGE ? s : s.substring(0, MAX_BODY_IN_MESSAGE) + "…";
    }
}
