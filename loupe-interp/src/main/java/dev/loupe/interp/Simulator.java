package dev.loupe.interp;

import java.util.ArrayList;
import java.util.List;

/**
 * Predicts a feature's activation on each token of an excerpt from tokens alone (it never sees the
 * true activations). Explanation simulators predict on the 0–10 scale; baselines may predict raw
 * units — correlation scoring is invariant to either.
 */
public interface Simulator {
    /** @return one value per token, {@code [tokens.length]}; @throws InterpFailure on a backend failure */
    double[] simulate(String[] tokens);

    /** Simulates several excerpts; backends that batch (one prompt or forward pass) override this. */
    default List<double[]> simulateAll(List<String[]> excerpts) {
        List<double[]> out = new ArrayList<>(excerpts.size());
        for (String[] t : excerpts) out.add(simulate(t));
        return out;
    }
}
