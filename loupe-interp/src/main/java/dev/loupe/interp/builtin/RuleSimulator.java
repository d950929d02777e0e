package dev.loupe.interp.builtin;

import dev.loupe.interp.Explanation;
import dev.loupe.interp.InterpFailure;
import dev.loupe.interp.Simulator;
import dev.loupe.interp.SimulatorFactory;
import dev.loupe.util.FormatException;

/**
 * The built-in simulator: applies an explanation's {@link RuleSet}. Explanations without a machine
 * form (free text from an LLM, a puzzle's candidate explanations) are first parsed by
 * {@link ExplanationParser}, whose limits therefore bound what this simulator can score.
 */
public final class RuleSimulator implements Simulator {
    private final RuleSet rules;

    public RuleSimulator(RuleSet rules) { this.rules = rules; }

    public RuleSet rules() { return rules; }

    @Override public double[] simulate(String[] tokens) { return rules.apply(tokens); }

    /** A malformed machine form is that feature's failure ({@link InterpFailure}), not the run's. */
    public static SimulatorFactory factory() {
        return (Explanation e) -> {
            if (e.machineForm() == null) return new RuleSimulator(ExplanationParser.parse(e.text()));
            try {
                return new RuleSimulator(RuleSet.fromJson(e.machineForm()));
            } catch (FormatException x) {
                throw new InterpFailure(x.getMessage());
            }
        };
    }
}
