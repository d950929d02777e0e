// Monosemanticity check for one selected unit (Gurnee et al. 2023 §4): its activation
// distribution on positive vs negative rows as two histograms over shared equal-width bins, the
// class means, and the unit's own ROC-AUC as a one-unit classifier (0.5 = uninformative; values
// below 0.5 mean the unit is lower on positives). Not the "top activations on unrelated text"
// half of the check: that needs a corpus and lives with the feature analysis.
package dev.loupe.probe;

import dev.loupe.util.ConfigException;

import java.util.Arrays;

public record UnitProfile(int unit, double[] edges, long[] positives, long[] negatives, double meanPositive, double meanNegative, double rocAuc) {

    public static UnitProfile of(ProbeData d, int[] rows, int unit, int bins) {
        if (bins < 1) throw new ConfigException("unit profile needs at least one bin, got " + bins);
        if (unit < 0 || unit >= d.units()) throw new ConfigException("unit " + unit + " is out of range 0.." + (d.units() - 1));
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int r : rows) { lo = Math.min(lo, d.get(r, unit)); hi = Math.max(hi, d.get(r, unit)); }
        if (hi == lo) hi = lo + 1;            // constant unit: one populated bin
        double[] edges = new double[bins + 1];
        for (int b = 0; b <= bins; b++) edges[b] = lo + (hi - lo) * b / bins;
        long[] pos = new long[bins], neg = new long[bins];
        double sumPos = 0, sumNeg = 0;
        int[] y = new int[rows.length];
        double[] v = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            double x = d.get(rows[i], unit);
            int b = (int) Math.min(bins - 1, Math.floor((x - lo) / (hi - lo) * bins));
            y[i] = d.y()[rows[i]];
            v[i] = x;
            if (y[i] == 1) { pos[b]++; sumPos += x; } else { neg[b]++; sumNeg += x; }
        }
        long nPos = Arrays.stream(pos).sum(), nNeg = Arrays.stream(neg).sum();
        return new UnitProfile(unit, edges, pos, neg, nPos == 0 ? Double.NaN : sumPos / nPos, nNeg == 0 ? Double.NaN : sumNeg / nNeg,
                Metrics.rocAuc(y, v));
    }
}
