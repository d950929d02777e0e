package dev.loupe.interp;

import dev.loupe.interp.builtin.RuleSimulator;
import dev.loupe.interp.builtin.StatisticalExplainer;
import dev.loupe.util.ConfigException;
import java.util.List;

/**
 * How {@link InterpPipeline} explains and scores a dictionary's features. The defaults run fully
 * offline: the built-in statistical explainer and rule simulator, Bills's splits, 2 threads.
 *
 * @param explainer          makes explanations from the top excerpts (and the token look-up table)
 * @param method             stored as the explanation's method; a resumed run skips features that
 *                           already have an explanation (or a recorded skip) with this method
 * @param simulators         simulates an explanation on excerpts
 * @param simulatorName      stored with each score (e.g. "builtin-rules", "allatonce:loupe-1l")
 * @param splits             explanation / scoring set sizes and the minimum of non-trivial excerpts
 * @param threads            features processed at once
 * @param features           feature indices to process, or null for every feature of the dictionary
 * @param bootstrapResamples resamples for the 95% CIs of the summary
 * @param seed               bootstrap seed
 * @param cost               per-thread token meter of an LLM backend (e.g.
 *                           {@code OpenAiClient::tokensUsedByThisThread}), or null for local backends
 * @param usdPerMillionTokens price used to turn tokens into the stored cost
 * @param scorers            scorers to run ({@link ScorerKind}); simulation always runs on a new explanation
 * @param ablation           model and dictionary for the ablation scorer, or null when it is not asked for
 */
public record InterpOptions(Explainer explainer, String method, SimulatorFactory simulators, String simulatorName, SplitConfig splits,
                            int threads, List<Integer> features, int bootstrapResamples, long seed, TokenMeter cost, double usdPerMillionTokens,
                            List<ScorerKind> scorers, AblationTarget ablation) {
    /** Tokens an LLM backend has spent on requests from the calling thread so far. */
    @FunctionalInterface
    public interface TokenMeter { long tokensOnThisThread(); }

    public static final String BUILTIN_SIMULATOR = "builtin-rules";

    public InterpOptions {
        if (explainer == null || simulators == null) throw new ConfigException("auto-interp needs an explainer and a simulator");
        if (method == null || method.isBlank()) method = explainer.name();
        if (simulatorName == null || simulatorName.isBlank()) throw new ConfigException("auto-interp needs a simulator name to store with the scores");
        if (splits == null) splits = SplitConfig.defaults();
        if (threads < 1) throw new ConfigException("auto-interp threads must be >= 1, got " + threads);
        if (features != null) {
            features = List.copyOf(features);
            for (int f : features) if (f < 0) throw new ConfigException("feature index " + f + " is negative");
        }
        if (bootstrapResamples < 1) throw new ConfigException("bootstrap resamples must be >= 1, got " + bootstrapResamples);
        if (!(usdPerMillionTokens >= 0)) throw new ConfigException("price per million tokens must be >= 0, got " + usdPerMillionTokens);
        scorers = scorers == null || scorers.isEmpty() ? List.of(ScorerKind.SIMULATION) : List.copyOf(scorers);
        if (scorers.contains(ScorerKind.ABLATION) && ablation == null) throw new ConfigException("the ablation scorer needs --model DIR (the model the dictionary was analysed on)");
    }

    /** Built-in explainer and simulator, default splits, 2 threads, every feature, 1000 bootstrap resamples. */
    public static InterpOptions defaults() {
        StatisticalExplainer e = new StatisticalExplainer();
        return new InterpOptions(e, e.name(), RuleSimulator.factory(), BUILTIN_SIMULATOR, SplitConfig.defaults(), 2, null, 1000, 1, null, 0, null, null);
    }

    public InterpOptions withExplainer(Explainer e, String methodName) {
        return new InterpOptions(e, methodName, simulators, simulatorName, splits, threads, features, bootstrapResamples, seed, cost, usdPerMillionTokens, scorers, ablation);
    }

    public InterpOptions withSimulator(SimulatorFactory s, String name) {
        return new InterpOptions(explainer, method, s, name, splits, threads, features, bootstrapResamples, seed, cost, usdPerMillionTokens, scorers, ablation);
    }

    public InterpOptions withThreads(int n) {
        return new InterpOptions(explainer, method, simulators, simulatorName, splits, n, features, bootstrapResamples, seed, cost, usdPerMillionTokens, scorers, ablation);
    }

    public InterpOptions withFeatures(List<Integer> f) {
        return new InterpOptions(explainer, method, simulators, simulatorName, splits, threads, f, bootstrapResamples, seed, cost, usdPerMillionTokens, scorers, ablation);
    }

    public InterpOptions withSplits(SplitConfig s) {
        return new InterpOptions(explainer, method, simulators, simulatorName, s, threads, features, bootstrapResamples, seed, cost, usdPerMillionTokens, scorers, ablation);
    }

    public InterpOptions withCost(TokenMeter meter, double usdPerMillion) {
        return new InterpOptions(explainer, method, simulators, simulatorName, splits, threads, features, bootstrapResamples, seed, meter, usdPerMillion, scorers, ablation);
    }

    /** Scorers to run besides simulation, and the ablation target when ablation is among them. */
    public InterpOptions withScorers(List<ScorerKind> s, AblationTarget target) {
        return new InterpOptions(explainer, method, simulators, simulatorName, splits, threads, features, bootstrapResamples, seed, cost, usdPerMillionTokens, s, target);
    }

    /** The scorers other than simulation. */
    public List<ScorerKind> extraScorers() { return scorers.stream().filter(k -> k != ScorerKind.SIMULATION).toList(); }

    AutoInterp autoInterp() { return new AutoInterp(explainer, simulators, splits, scorers, ablation); }
}
