package dev.loupe.interp.builtin;

import dev.loupe.interp.Explanation;
import dev.loupe.interp.Simulator;
import dev.loupe.interp.SimulatorFactory;

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

    public static SimulatorFactory factory() {
        return (Explanation e) -> new RuleSimulator(e.machineForm() != null ? RuleSet.fromJson(e.machineForm()) : ExplanationParser.parse(e.text()));
    }
}
