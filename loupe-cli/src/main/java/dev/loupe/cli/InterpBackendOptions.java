package dev.loupe.cli;

import dev.loupe.interp.InterpBackends;
import dev.loupe.interp.InterpOptions;
import dev.loupe.interp.llm.OpenAiConfig;
import dev.loupe.store.FeatureStore;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Flags shared by the auto-interp verbs: which explainer and simulator, LLM server settings, threads. */
final class InterpBackendOptions {
    @Option(names = "--explainer", defaultValue = "builtin", description = "builtin (statistical, no LLM) or openai (default: ${DEFAULT-VALUE}).")
    String explainer;
    @Option(names = "--simulator", defaultValue = "builtin", description = "builtin, allatonce (--sim-model), openai (logprobs) or openai-json (default: ${DEFAULT-VALUE}).")
    String simulator;
    @Option(names = "--sim-model", paramLabel = "DIR", description = "HF model directory for the allatonce simulator.")
    Path simModel;
    @Option(names = "--llm-base-url", paramLabel = "URL", description = "OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1.")
    String baseUrl;
    @Option(names = "--llm-model", description = "Model name sent to the server.")
    String model;
    @Option(names = "--llm-api-key-env", paramLabel = "VAR", description = "Environment variable holding the API key (never logged).")
    String apiKeyEnv;
    @Option(names = "--llm-timeout", defaultValue = "60", paramLabel = "SECONDS", description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;
    @Option(names = "--llm-retries", defaultValue = "4", description = "Retries with exponential backoff on 429, 5xx and timeouts (default: ${DEFAULT-VALUE}).")
    int retries;
    @Option(names = "--llm-concurrency", defaultValue = "4", description = "Requests in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;
    @Option(names = "--llm-budget", defaultValue = "0", paramLabel = "TOKENS", description = "Stop spending after this many tokens; 0 = no limit (default: ${DEFAULT-VALUE}).")
    long budget;
    @Option(names = "--llm-cache", paramLabel = "DIR", description = "Cache replies here by request hash, so reruns cost nothing.")
    Path cache;
    @Option(names = "--usd-per-mtok", defaultValue = "0", description = "Price per million tokens, for the cost shown and stored (default: ${DEFAULT-VALUE}).")
    double usdPerMillion;
    @Option(names = "--threads", defaultValue = "2", description = "Features processed at once (default: ${DEFAULT-VALUE}).")
    int threads;

    InterpOptions options() {
        OpenAiConfig llm = null;
        if (baseUrl != null || model != null) {
            if (baseUrl == null || model == null) throw new ConfigException("an LLM backend needs both --llm-base-url and --llm-model");
            llm = OpenAiConfig.of(baseUrl, model).withApiKeyEnv(apiKeyEnv).withTimeout(Duration.ofSeconds(Math.max(1, timeoutSeconds)))
                    .withRetries(retries, Duration.ofSeconds(1)).withMaxConcurrency(concurrency).withTokenBudget(budget).withCacheDir(cache);
        }
        return new InterpBackends(explainer, simulator, simModel, llm, usdPerMillion).options().withThreads(threads);
    }

    /** Opens an existing store read-write (FeatureStore.open would create a missing file). */
    static FeatureStore openStore(Path store) {
        if (!Files.isRegularFile(store)) throw new ConfigException("feature store " + store + " does not exist; create it with `loupe analyze`");
        return FeatureStore.open(store);
    }

    /** Parses "0-99,120,130-131" into feature indices. */
    static List<Integer> features(String spec) {
        if (spec == null) return null;
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            try {
                int dash = p.indexOf('-', 1);
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash)), hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1));
                if (lo < 0 || hi < lo) throw new NumberFormatException();
                for (int f = lo; f <= hi; f++) out.add(f);
            } catch (NumberFormatException e) {
                throw new ConfigException("--features '" + spec + "': '" + p + "' is not a feature index or range like 0-99");
            }
        }
        return out;
    }

    /** The pipeline draws its progress bar on a PrintStream; the CLI writes to picocli's writers. */
    static PrintStream stream(PrintWriter w) {
        return new PrintStream(new OutputStream() {
            @Override public void write(int b) { w.write(b); }
            @Override public void flush() { w.flush(); }
        }, true);
    }
}
