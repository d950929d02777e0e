package dev.loupe.interp.builtin;

import dev.loupe.interp.Simulator;
import java.util.Map;

/**
 * Bills et al.'s weight-based baseline (§3.1): the simulated activation of a token is a fixed score
 * per vocabulary entry — the token's embedding passed through the layer norm and projected on the
 * feature's input direction (W_in column or encoder row). Loupe's engine computes
 * {@code scoreByTokenId}; this class only applies it.
 *
 * @param scoreByTokenId score per token id, {@code [vocab]}
 * @param vocab          token string → id (the tokenizer's vocabulary); unknown strings score 0
 */
public record WeightBasedSimulator(double[] scoreByTokenId, Map<String, Integer> vocab) implements Simulator {
    public WeightBasedSimulator {
        scoreByTokenId = scoreByTokenId.clone();
        vocab = Map.copyOf(vocab);
        for (var e : vocab.entrySet()) {
            if (e.getValue() < 0 || e.getValue() >= scoreByTokenId.length) {
                throw new IllegalArgumentException("token \"" + e.getKey() + "\" has id " + e.getValue() + " outside the score table of " + scoreByTokenId.length);
            }
        }
    }

    @Override public double[] simulate(String[] tokens) {
        double[] out = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            Integer id = vocab.get(tokens[i]);
            out[i] = id == null ? 0 : scoreByTokenId[id];
        }
        return out;
    }
}
