package dev.loupe.interp.allatonce;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * The "all at once" read-out: restrict a next-token distribution to the tokens "0".."10",
 * renormalise, and take the expected value Σ k·p(k). Agrees with neuron-explainer's
 * {@code compute_predicted_activation_stats_for_token}.
 */
public final class DigitExpectation {
    public static final int LEVELS = 11;

    private DigitExpectation() {}

    /**
     * From full-vocabulary logits. {@code digitIds[k]} is the token id of the string {@code k}, or -1
     * when the tokenizer has no single token for it (that level then gets no mass). A softmax over the
     * whole vocabulary followed by restriction and renormalisation equals a softmax over the digit
     * logits alone, which is what is computed (max-subtracted for stability).
     */
    public static double fromLogits(float[] logits, int[] digitIds) {
        if (digitIds.length != LEVELS) throw new IllegalArgumentException("need 11 digit token ids for \"0\"..\"10\", got " + digitIds.length);
        double max = Double.NEGATIVE_INFINITY;
        for (int id : digitIds) if (id >= 0) max = Math.max(max, logits[id]);
        if (max == Double.NEGATIVE_INFINITY) throw new IllegalArgumentException("no digit token has a finite logit");
        double z = 0, ev = 0;
        for (int k = 0; k < LEVELS; k++) {
            if (digitIds[k] < 0) continue;
            double p = Math.exp(logits[digitIds[k]] - max);
            z += p;
            ev += k * p;
        }
        return ev / z;
    }

    /**
     * From an API's top-logprobs map (token string → log-probability). Tokens are matched after
     * stripping whitespace, so " 7" counts as "7"; several spellings of one level add up. Empty when
     * no listed token is a level "0".."10".
     */
    public static OptionalDouble fromTopLogprobs(Map<String, Double> topLogprobs) {
        double[] p = new double[LEVELS];
        boolean any = false;
        for (Map.Entry<String, Double> e : topLogprobs.entrySet()) {
            int k = level(e.getKey());
            if (k < 0 || e.getValue() == null || e.getValue().isNaN()) continue;
            p[k] += Math.exp(e.getValue());
            any = true;
        }
        if (!any) return OptionalDouble.empty();
        double z = 0, ev = 0;
        for (int k = 0; k < LEVELS; k++) { z += p[k]; ev += k * p[k]; }
        return z > 0 ? OptionalDouble.of(ev / z) : OptionalDouble.empty();
    }

    /**
     * Token ids of "0".."10" as they appear in the simulation prompt, i.e. right after a tab: the id
     * is the single token that {@code encode("\t" + k)} adds to {@code encode("\t")}, so tokenizers
     * that prepend a prefix space or BOS-like piece still give the right id. -1 where the value takes
     * more than one token (typically "10"), which then gets no probability mass.
     */
    public static int[] digitIds(TextEncoder encoder) {
        int[] tab = encoder.encode("\t");
        int[] ids = new int[LEVELS];
        for (int k = 0; k < LEVELS; k++) {
            int[] e = encoder.encode("\t" + k);
            boolean extendsTab = e.length == tab.length + 1 && java.util.Arrays.equals(e, 0, tab.length, tab, 0, tab.length);
            ids[k] = extendsTab ? e[tab.length] : -1;
        }
        return ids;
    }

    /** The level 0..10 a token string spells, or -1. */
    public static int level(String token) {
        String s = token.strip();
        if (s.isEmpty() || s.length() > 2) return -1;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return -1;
        if (s.length() == 2 && !s.equals("10")) return -1;
        return Integer.parseInt(s);
    }
}
