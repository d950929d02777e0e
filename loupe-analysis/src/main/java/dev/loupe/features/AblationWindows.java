// The ablation samples of a hook before the last block: a uniform reservoir (Vitter's algorithm R,
// seeded) of W whole windows of the corpus, kept as token ids while the pass streams, then run once
// through the whole model after it (FeatureAnalyzer). The final residual the ablation effect needs
// costs the blocks after the hook; paying them on W windows only makes it a fixed cost, independent
// of corpus length. A feature gets ablation samples only if it fires in the W windows (FeatureBlock
// keeps up to ABLATION_SAMPLES of its firing tokens there, uniformly). Hooks in the last block get
// the final residual for free and sample over the whole corpus instead. Memory: W windows.
package dev.loupe.features;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.util.Rng;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

final class AblationWindows {
    /**
     * Default W: 128 windows (16,384 tokens at context 128). A feature of density p fires about
     * 16,384 p times there, so features down to p ~ 2.5e-4 get their 4 samples and most down to
     * p ~ 1e-4 get at least one; the later blocks then cost one forward of 16k tokens per analysis.
     */
    static final int DEFAULT = 128;

    private record Kept(TokenWindows.Window window, long index) {}

    private final Kept[] kept;
    private final Rng rng;
    private long seen;

    AblationWindows(int size, long seed) {
        this.kept = new Kept[size];
        this.rng = new Rng(Rng.mix(seed, -2));
    }

    void offer(TokenWindows.Window w) {
        long n = ++seen;
        long slot = n <= kept.length ? n - 1 : rng.nextLong(n);
        if (slot < kept.length)      // a copy: the caller's iterator may reuse its arrays
            kept[(int) slot] = new Kept(new TokenWindows.Window(w.tokens().clone(), w.document(), w.start()), n);
    }

    /** The kept windows in corpus order, so that what is sampled from them does not depend on slot order. */
    List<TokenWindows.Window> windows() {
        List<Kept> l = new ArrayList<>();
        for (Kept k : kept) if (k != null) l.add(k);
        l.sort(Comparator.comparingLong(Kept::index));
        return l.stream().map(Kept::window).toList();
    }
}
