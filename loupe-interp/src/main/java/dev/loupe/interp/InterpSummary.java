package dev.loupe.interp;

import java.util.Locale;
import java.util.Map;

/**
 * What one {@link InterpPipeline#run} did, and where the dictionary stands afterwards.
 *
 * @param attempted    features this run explained and scored, skipped or failed
 * @param resumed      features left alone because an earlier run already explained or skipped them
 * @param done         features explained and scored by this run
 * @param skipped      features this run skipped (reason recorded in the store)
 * @param attempted    also counts explained features that only got the scorers they lacked
 * @param failed       features that failed (not recorded: a rerun tries them again); reasons in {@code failures}
 * @param scorerFailures detection/fuzzing/ablation runs that failed on a feature (reason in {@code failures}
 *                     and in the store's interp_skips under "method#scorer"; a rerun retries them)
 * @param topAndRandom mean top-and-random score with its 95% bootstrap CI over every feature of the
 *                     dictionary scored with this method and simulator (earlier runs included);
 *                     undefined scores are counted, never averaged in
 * @param randomOnly   the same for random-only scores
 * @param extra        the same for each stored kind of the other scorers run (detection_auc …), in order
 * @param costUsd      what this run's LLM requests cost (0 for local backends)
 * @param tokens       LLM tokens this run spent
 * @param seconds      wall time of this run
 * @param failures     feature → failure reason
 */
public record InterpSummary(long dictionaryId, String method, String simulator, int attempted, int resumed, int done, int skipped, int failed,
                            int scorerFailures, Bootstrap.MeanCi topAndRandom, Bootstrap.MeanCi randomOnly, Map<String, Bootstrap.MeanCi> extra,
                            double costUsd, long tokens, double seconds, Map<Integer, String> failures) {
    public InterpSummary {
        failures = Map.copyOf(failures);
        extra = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
    }

    /** A few lines for the terminal. */
    public String describe() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s / %s: %d done, %d skipped, %d failed, %d already done (%.1f s, $%.4f, %d tokens)%n",
                method, simulator, done, skipped, failed, resumed, seconds, costUsd, tokens));
        if (scorerFailures > 0) sb.append(scorerFailures).append(" scorer failures (retried on the next run)\n");
        int w = Math.max("top-and-random".length(), extra.keySet().stream().mapToInt(String::length).max().orElse(0));
        line(sb, w, "top-and-random", topAndRandom);
        line(sb, w, "random-only", randomOnly);
        extra.forEach((k, v) -> line(sb, w, k, v));
        return sb.toString();
    }

    private static void line(StringBuilder sb, int width, String name, Bootstrap.MeanCi c) {
        sb.append(String.format(Locale.ROOT, "%-" + width + "s %s (n=%d, %d undefined)%n", name, InterpReport.ci(c), c.n(), c.undefined()));
    }
}
