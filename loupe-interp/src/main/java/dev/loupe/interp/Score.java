package dev.loupe.interp;

/**
 * A score that may be undefined. Bills et al.'s correlation is undefined when the true or the
 * simulated activations are constant; Loupe records that explicitly and never turns it into 0.
 *
 * @param status OK, or why there is no value
 * @param value  the score when OK, otherwise NaN
 */
public record Score(Status status, double value) {
    public enum Status { OK, CONSTANT_TRUE, CONSTANT_SIMULATED, EMPTY, FAILED }

    public Score {
        if (status == Status.OK && !Double.isFinite(value)) throw new IllegalArgumentException("an OK score needs a finite value, got " + value);
        if (status != Status.OK) value = Double.NaN;
    }

    public static Score of(double v) { return new Score(Status.OK, v); }
    public static Score undefined(Status why) { return new Score(why, Double.NaN); }

    public boolean defined() { return status == Status.OK; }

    @Override public String toString() { return defined() ? String.format("%.4f", value) : "undefined(" + status + ")"; }
}
