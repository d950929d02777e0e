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
 * the next {@code randomOnly}, so the two scoring sets never share a record.
 */
public sealed interface FeatureSplits {
    record Ready(long featureId, List<ActivationRecord> explain, List<ActivationRecord> topAndRandom,
                 List<ActivationRecord> randomOnly) implements FeatureSplits {
        public Ready {
            explain = List.copyOf(explain);
            topAndRandom = List.copyOf(topAndRandom);
            randomOnly = List.copyOf(randomOnly);
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
        for (int i = 0; i < top.size() && (explain.size() < c.explainTop() || scoreTop.size() < c.scoreTop()); i++) {
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
        List<ActivationRecord> randomOnly = random.subList(c.scoreRandom(), Math.min(random.size(), c.scoreRandom() + c.randomOnly()));
        return new Ready(f.featureId(), explain, topAndRandom, randomOnly);
    }
}
