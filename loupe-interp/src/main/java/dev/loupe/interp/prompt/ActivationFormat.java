package dev.loupe.interp.prompt;

import dev.loupe.interp.ActivationRecord;
import dev.loupe.interp.Discretisation;
import java.util.List;

/**
 * Bills et al.'s text format for excerpts: each excerpt between {@code <start>} and {@code <end>}
 * lines, one {@code token<TAB>value} line per token, values discretised 0–10 (or the word
 * {@code unknown} where the simulator must predict). Agrees with neuron-explainer's
 * {@code format_activation_records} / {@code format_sequences_for_simulation}, including the leading
 * and trailing newlines.
 */
public final class ActivationFormat {
    public static final String UNKNOWN = "unknown";

    private ActivationFormat() {}

    /** {@code omitZeros} drops tokens whose level is 0 (the "repeated non-zero list"). */
    public static String records(List<ActivationRecord> records, double max, boolean omitZeros) {
        StringBuilder sb = new StringBuilder("\n<start>\n");
        for (int r = 0; r < records.size(); r++) {
            if (r > 0) sb.append("\n<end>\n<start>\n");
            ActivationRecord rec = records.get(r);
            int[] levels = Discretisation.levels(rec, max);
            boolean first = true;
            for (int i = 0; i < rec.length(); i++) {
                if (omitZeros && levels[i] == 0) continue;
                if (!first) sb.append('\n');
                sb.append(rec.tokens()[i]).append('\t').append(levels[i]);
                first = false;
            }
        }
        return sb.append("\n<end>\n").toString();
    }

    /** Tokens of one excerpt with every value {@code unknown}. */
    public static String unknowns(String[] tokens) {
        StringBuilder sb = new StringBuilder("\n<start>\n");
        for (int i = 0; i < tokens.length; i++) {
            if (i > 0) sb.append('\n');
            sb.append(tokens[i]).append('\t').append(UNKNOWN);
        }
        return sb.append("\n<end>\n").toString();
    }
}
