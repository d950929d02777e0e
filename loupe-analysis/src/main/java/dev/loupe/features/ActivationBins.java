// The fixed fine grid on which activations are counted while streaming: quarter-octave bins with
// edges exactly 2^(k/4), from 2^-24 to 2^16 (160 bins). Assigning a bin reads the float's exponent
// and compares its mantissa with 2^(1/4), 2^(1/2), 2^(3/4): no logarithm per activation.
// Activations below 2^-24 count in bin 0 and those at or above 2^16 in the last bin. The published
// histogram groups consecutive fine bins (FeatureAnalyzer), so its edges stay log-spaced.
package dev.loupe.features;

final class ActivationBins {
    private ActivationBins() {}

    static final int PER_OCTAVE = 4, MIN_EXP = -24, MAX_EXP = 15;
    static final int COUNT = (MAX_EXP - MIN_EXP + 1) * PER_OCTAVE;
    private static final float Q1 = (float) Math.pow(2, 0.25), Q2 = (float) Math.sqrt(2), Q3 = (float) Math.pow(2, 0.75);

    /** Fine bin of a positive activation. */
    static int of(float a) {
        int e = Math.getExponent(a);
        if (e < MIN_EXP) return 0;
        if (e > MAX_EXP) return COUNT - 1;
        float m = Float.intBitsToFloat((Float.floatToRawIntBits(a) & 0x007FFFFF) | 0x3F800000);   // mantissa in [1, 2)
        int sub = (m >= Q1 ? 1 : 0) + (m >= Q2 ? 1 : 0) + (m >= Q3 ? 1 : 0);
        return (e - MIN_EXP) * PER_OCTAVE + sub;
    }

    /** Lower edge of fine bin k (k = COUNT gives the upper edge of the last bin). */
    static float edge(int k) {
        return (float) Math.pow(2, MIN_EXP + (double) k / PER_OCTAVE);
    }
}
