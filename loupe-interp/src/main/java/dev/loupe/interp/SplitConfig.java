package dev.loupe.interp;

/**
 * How a feature's records are divided between explaining and scoring (defaults follow Bills et al.
 * and Cunningham et al.: explain on 5 top excerpts; score on 5 top + 5 random, and on random only).
 *
 * @param explainTop    top excerpts shown to the explainer
 * @param scoreTop      top excerpts in the top-and-random scoring set
 * @param scoreRandom   random excerpts in the top-and-random scoring set (1:1 with scoreTop by default)
 * @param randomOnly    random excerpts in the random-only scoring set (disjoint from scoreRandom)
 * @param minNonTrivial features with fewer non-trivial top excerpts are skipped
 * @param calibration   top excerpts and random excerpts (this many of each, when available) used only
 *                      to fit the linear calibration behind r² and absolute deviation explained
 */
public record SplitConfig(int explainTop, int scoreTop, int scoreRandom, int randomOnly, int minNonTrivial, int calibration) {
    public SplitConfig {
        if (explainTop < 1) throw new IllegalArgumentException("explainTop must be ≥ 1, got " + explainTop);
        if (scoreTop < 0 || scoreRandom < 0 || randomOnly < 0 || calibration < 0) throw new IllegalArgumentException("scoring set sizes must be ≥ 0");
        if (minNonTrivial < explainTop + scoreTop) {
            throw new IllegalArgumentException("minNonTrivial (" + minNonTrivial + ") must be ≥ explainTop + scoreTop (" + (explainTop + scoreTop) + ")");
        }
    }

    public SplitConfig(int explainTop, int scoreTop, int scoreRandom, int randomOnly, int minNonTrivial) {
        this(explainTop, scoreTop, scoreRandom, randomOnly, minNonTrivial, 0);
    }

    public static SplitConfig defaults() { return new SplitConfig(5, 5, 5, 10, 20, 5); }
}
