package dev.loupe.interp;

import dev.loupe.interp.allatonce.EngineNextTokenModel;
import dev.loupe.interp.builtin.RuleSimulator;
import dev.loupe.interp.builtin.StatisticalExplainer;
import dev.loupe.interp.llm.LlmExplainer;
import dev.loupe.interp.llm.LlmSimulator;
import dev.loupe.interp.llm.OpenAiClient;
import dev.loupe.interp.llm.OpenAiConfig;
import dev.loupe.interp.prompt.FewShotExamples;
import dev.loupe.util.ConfigException;
import java.nio.file.Path;

/**
 * Named explainer and simulator backends, as the CLI flags spell them, turned into
 * {@link InterpOptions}. Explainers: {@code builtin} (statistical, no LLM) and {@code openai} (Bills's
 * prompt on an OpenAI-compatible server). Simulators: {@code builtin} (rules), {@code allatonce} (an
 * HF model directory run by Loupe's engine, exact expected values), {@code openai} (logprob mode) and
 * {@code openai-json} (servers without logprobs). One HTTP client is shared, so its concurrency limit,
 * retries, cache and token budget cover explainer and simulator together.
 *
 * @param llm      server settings; required when either backend is an openai one, else ignored
 * @param simModel model directory for {@code allatonce}
 */
public record InterpBackends(String explainer, String simulator, Path simModel, OpenAiConfig llm, double usdPerMillionTokens) {
    public InterpBackends {
        if (!java.util.List.of("builtin", "openai").contains(explainer))
            throw new ConfigException("unknown explainer '" + explainer + "'; use builtin or openai");
        if (!java.util.List.of("builtin", "allatonce", "openai", "openai-json").contains(simulator))
            throw new ConfigException("unknown simulator '" + simulator + "'; use builtin, allatonce, openai or openai-json");
        if (llm == null && (explainer.equals("openai") || simulator.startsWith("openai")))
            throw new ConfigException("the openai " + (explainer.equals("openai") ? "explainer" : "simulator") + " needs --llm-base-url and --llm-model");
        if (simulator.equals("allatonce") && simModel == null)
            throw new ConfigException("the allatonce simulator needs --sim-model DIR (an HF model directory with tokenizer.json)");
    }

    public static InterpBackends builtin() { return new InterpBackends("builtin", "builtin", null, null, 0); }

    /** Options for {@link InterpPipeline}: these backends on top of {@link InterpOptions#defaults()}. */
    public InterpOptions options() {
        InterpOptions o = InterpOptions.defaults();
        OpenAiClient client = llm == null ? null : new OpenAiClient(llm);
        if (explainer.equals("openai")) {
            LlmExplainer e = new LlmExplainer(client);
            o = o.withExplainer(e, e.name());
        }
        o = switch (simulator) {
            case "builtin" -> o.withSimulator(RuleSimulator.factory(), InterpOptions.BUILTIN_SIMULATOR);
            case "allatonce" -> {
                EngineNextTokenModel m = EngineNextTokenModel.load(simModel);
                yield o.withSimulator(m.simulators(FewShotExamples.DEFAULT), "allatonce:" + m.name());
            }
            case "openai" -> o.withSimulator(LlmSimulator.factory(client, LlmSimulator.Mode.LOGPROBS), "openai:" + llm.model() + ":logprobs");
            default -> o.withSimulator(LlmSimulator.factory(client, LlmSimulator.Mode.JSON), "openai:" + llm.model() + ":json");
        };
        return client == null ? o : o.withCost(client::tokensUsedByThisThread, usdPerMillionTokens);
    }
}
