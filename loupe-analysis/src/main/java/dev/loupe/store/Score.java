// One score of an explanation (table scores): kind (top_and_random, random_only, ...), the
// simulator that produced it, and the value (a Pearson correlation for the Bills et al. scorers).
package dev.loupe.store;

import dev.loupe.util.ConfigException;

public record Score(String kind, String simulator, double value) {
    public Score {
        if (kind == null || kind.isBlank()) throw new ConfigException("score kind is empty (e.g. top_and_random)");
        if (simulator == null) simulator = "";
        if (!Double.isFinite(value)) throw new ConfigException("score " + kind + " is " + value + "; scores must be finite");
    }
}
