package dev.loupe.intervene;

import dev.loupe.util.ConfigException;

/**
 * One edit of one dictionary feature in an activation, applied row by row (every position):
 * {@link Mode#ADD} moves x by α·d_f (α = {@code value}); {@link Mode#CLAMP} sets the feature's
 * activation to {@code value} along its decoder direction, x += (value − c_f(x))·d_f, with c_f the
 * dictionary's code for the unedited x (Templeton et al. 2024, "Scaling Monosemanticity", clamping;
 * Turner et al. 2023 activation addition for ADD). With several CLAMP edits on non-orthogonal
 * directions each uses the code of the unedited x, so they do not compose into an exact re-encoding.
 */
public record FeatureEdit(int feature, Mode mode, double value) {
    public enum Mode { ADD, CLAMP }

    public FeatureEdit {
        if (feature < 0) throw new ConfigException("feature index " + feature + " is negative");
        if (mode == null) throw new ConfigException("feature " + feature + ": edit mode is missing (ADD or CLAMP)");
        if (!Double.isFinite(value)) throw new ConfigException("feature " + feature + ": edit value " + value + " is not a finite number");
    }

    public static FeatureEdit add(int feature, double alpha) { return new FeatureEdit(feature, Mode.ADD, alpha); }

    public static FeatureEdit clamp(int feature, double value) { return new FeatureEdit(feature, Mode.CLAMP, value); }

    /** Parses {@code F+A} / {@code F-A} (add α) or {@code F=V} (clamp), e.g. {@code 12+4.5}, {@code 7=0}. */
    public static FeatureEdit parse(String s) {
        String t = s.strip();
        int eq = t.indexOf('='), sign = Math.max(t.indexOf('+', 1), t.indexOf('-', 1));
        int at = eq > 0 ? eq : sign;
        if (at <= 0) throw new ConfigException("feature edit '" + s + "' must look like F+ALPHA, F-ALPHA (add) or F=VALUE (clamp), e.g. 12+4 or 7=0");
        try {
            int f = Integer.parseInt(t.substring(0, at).strip());
            double v = Double.parseDouble(t.substring(eq > 0 ? at + 1 : at).strip());
            return new FeatureEdit(f, eq > 0 ? Mode.CLAMP : Mode.ADD, v);
        } catch (NumberFormatException e) {
            throw new ConfigException("feature edit '" + s + "' must look like F+ALPHA, F-ALPHA (add) or F=VALUE (clamp), e.g. 12+4 or 7=0");
        }
    }
}
