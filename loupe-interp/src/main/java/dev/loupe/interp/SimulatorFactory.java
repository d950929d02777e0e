package dev.loupe.interp;

/** Builds the simulator for one explanation (the built-in rules, an LLM prompt, a look-up table …). */
@FunctionalInterface
public interface SimulatorFactory {
    Simulator forExplanation(Explanation explanation);
}
