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
 * @param failed       features that failed (not recorded: a rerun tries them again); reasons in {@code failures}
 * @param topAndRandom mean top-and-random score with its 95% bootstrap CI over every feature of the
 *                     dictionary scored with this method and simulator (earlier runs included);
 *                     undefined scores are counted, never averaged in
 * @param randomOnly   the same for random-only scores
 * @param costUsd      what this run's LLM requests cost (0 for local backends)
 * @param tokens       LLM tokens this run spent
 * @param seconds      wall time of this run
 * @param failures     feature → failure reason
 */
public record InterpSummary(long dictionaryId, String method, String simulator, int attempted, int resumed, int done, int skipped, int failed,
                            Bootstrap.MeanCi topAndRandom, Bootstrap.MeanCi randomOnly, double costUsd, long tokens, double seconds,
                            Map<Integer, String> failures) {
    public InterpSummary { failures = Map.copyOf(failures); }

    /** A few lines for the terminal. */
    public String describe() {
        return String.format(Locale.ROOT, "%s / %s: %d done, %d skipped, %d failed, %d already done (%.1f s, $%.4f, %d tokens)%n"
                        + "top-and-random %s (n=%d, %d undefined)%nrandom-only    %s (n=%d, %d undefined)%n",
                method, simulator, done, skipped, failed, resumed, seconds, costUsd, tokens,
                InterpReport.ci(topAndRandom), topAndRandom.n(), topAndRandom.undefined(),
                InterpReport.ci(randomOnly), randomOnly.n(), randomOnly.undefined());
    }
}
