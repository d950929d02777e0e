package dev.loupe.interp;

import java.util.List;

/**
 * Bills et al.'s activation discretisation: {@code min(10, floor(10 · relu(a) / max))}, where max is
 * the largest relu'd activation over the explanation records. A non-positive max maps everything to 0.
 *
 * <p>Must agree with neuron-explainer's {@code normalize_activations} / {@code calculate_max_activation}
 * and {@code non_zero_activation_proportion}.
 */
public final class Discretisation {
    public static final int MAX_LEVEL = 10;

    private Discretisation() {}

    /** Max of relu(activation) over all tokens of all records; 0 for empty input. */
    public static double maxActivation(List<ActivationRecord> records) {
        double m = 0;
        for (ActivationRecord r : records) for (float a : r.activations()) m = Math.max(m, a);
        return m;
    }

    public static int level(double activation, double max) {
        if (!(max > 0)) return 0;
        double relu = Math.max(0, activation);
        return (int) Math.min(MAX_LEVEL, Math.floor(MAX_LEVEL * relu / max));
    }

    /** Discretised levels of one record, {@code [record.length()]}. */
    public static int[] levels(ActivationRecord record, double max) {
        int[] out = new int[record.length()];
        for (int i = 0; i < out.length; i++) out[i] = level(record.activations()[i], max);
        return out;
    }

    /** Fraction of tokens, over all records, whose discretised level is non-zero. */
    public static double nonZeroFraction(List<ActivationRecord> records, double max) {
        long total = 0, nonZero = 0;
        for (ActivationRecord r : records) {
            for (float a : r.activations()) {
                total++;
                if (level(a, max) != 0) nonZero++;
            }
        }
        return total == 0 ? 0 : (double) nonZero / total;
    }
}
