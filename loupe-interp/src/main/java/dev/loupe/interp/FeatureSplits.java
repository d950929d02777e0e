package dev.loupe.interp;

import java.util.ArrayList;
import java.util.List;

/**
 * The explanation set and the two scoring sets of one feature, or the reason it is skipped.
 *
 * <p>Top excerpts are sorted by max activation and interleaved (even ranks explain, odd ranks score),
 * so both sets span the same range of strengths, as neuron-explainer's strided splits do. Random
 * excerpts with constant activations are dropped first; the top-and-random set takes the first
 * {@code scoreRandom} of them (in the caller's order, which is already random) and the random-only set
 * the next {@code randomOnly}, so the two scoring sets never share a record. The calibration set
 * (top excerpts ranked after those, plus the random excerpts after the random-only ones) is disjoint
 * from all of them and may be smaller than asked, or empty.
 */
public sealed interface FeatureSplits {
    record Ready(long featureId, List<ActivationRecord> explain, List<ActivationRecord> topAndRandom,
                 List<ActivationRecord> randomOnly, List<ActivationRecord> calibration) implements FeatureSplits {
        public Ready {
            explain = List.copyOf(explain);
            topAndRandom = List.copyOf(topAndRandom);
            randomOnly = List.copyOf(randomOnly);
            calibration = List.copyOf(calibration);
        }
    }

    record Skipped(long featureId, String reason) implements FeatureSplits {}

    static FeatureSplits of(FeatureRecords f, SplitConfig c) {
        int nonTrivial = Excerpts.countNonTrivial(f.top());
        if (nonTrivial < c.minNonTrivial()) {
            return new Skipped(f.featureId(), "only " + nonTrivial + " non-trivial top excerpts (need " + c.minNonTrivial() + ")");
        }
        List<ActivationRecord> top = Excerpts.top(f.top(), Integer.MAX_VALUE);
        List<ActivationRecord> explain = new ArrayList<>(), scoreTop = new ArrayList<>();
        int i = 0;
        for (; i < top.size() && (explain.size() < c.explainTop() || scoreTop.size() < c.scoreTop()); i++) {
            List<ActivationRecord> into = i % 2 == 0 ? explain : scoreTop;
            List<ActivationRecord> other = i % 2 == 0 ? scoreTop : explain;
            int cap = i % 2 == 0 ? c.explainTop() : c.scoreTop();
            if (into.size() < cap) into.add(top.get(i));
            else other.add(top.get(i));  // one side is full: the rest go to the other side
        }
        List<ActivationRecord> random = new ArrayList<>();
        for (ActivationRecord r : f.random()) if (r.hasVariance()) random.add(r);
        if (random.size() < c.scoreRandom()) {
            return new Skipped(f.featureId(), "only " + random.size() + " random excerpts with non-zero variance (need " + c.scoreRandom() + ")");
        }
        List<ActivationRecord> topAndRandom = new ArrayList<>(scoreTop);
        topAndRandom.addAll(random.subList(0, c.scoreRandom()));
        int roEnd = Math.min(random.size(), c.scoreRandom() + c.randomOnly());
        List<ActivationRecord> randomOnly = random.subList(c.scoreRandom(), roEnd);
        List<ActivationRecord> calibration = new ArrayList<>(top.subList(i, Math.min(top.size(), i + c.calibration())));
        calibration.addAll(random.subList(roEnd, Math.min(random.size(), roEnd + c.calibration())));
        return new Ready(f.featureId(), explain, topAndRandom, randomOnly, calibration);
    }
}
