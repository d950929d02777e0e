// One score of an explanation (table scores): kind (top_and_random, random_only, ...), the
// simulator that produced it, and the value (a Pearson correlation for the Bills et al. scorers).
// NaN means undefined (e.g. a correlation where the true or simulated activations are constant): it
// is stored as SQL NULL, reads back as NaN, and never counts as 0 or as a feature's best score.
package dev.loupe.store;

import dev.loupe.util.ConfigException;

public record Score(String kind, String simulator, double value) {
    public Score {
        if (kind == null || kind.isBlank()) throw new ConfigException("score kind is empty (e.g. top_and_random)");
        if (simulator == null) simulator = "";
        if (Double.isInfinite(value)) throw new ConfigException("score " + kind + " is " + value + "; scores must be finite (or NaN for undefined)");
    }

    public static Score undefined(String kind, String simulator) { return new Score(kind, simulator, Double.NaN); }

    public boolean defined() { return !Double.isNaN(value); }
}
