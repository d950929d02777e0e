package dev.loupe.interp.builtin;

import dev.loupe.interp.Simulator;
import java.util.Map;

/**
 * Bills et al.'s token look-up-table baseline (§3.1): the simulated activation of a token is the
 * feature's mean activation on that token string over a corpus, used directly (raw units; correlation
 * scoring does not care). Tokens absent from the table get {@code unseen} (0 by default).
 * Matching is exact on the token string, as the table is keyed by the tokenizer's own strings.
 */
public final class LookupTableSimulator implements Simulator {
    private final Map<String, Double> table;
    private final double unseen;

    public LookupTableSimulator(Map<String, Double> table, double unseen) {
        this.table = Map.copyOf(table);
        this.unseen = unseen;
    }

    public LookupTableSimulator(Map<String, Double> table) { this(table, 0); }

    @Override public double[] simulate(String[] tokens) {
        double[] out = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) out[i] = table.getOrDefault(tokens[i], unseen);
        return out;
    }
}
