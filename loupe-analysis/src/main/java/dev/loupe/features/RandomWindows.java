// A uniform reservoir of excerpts over all windows of the corpus (whether or not any feature fires
// there), kept with every feature's activations on them [len, features]: the RANDOM examples that
// auto-interp scores explanations against. One reservoir for the whole dictionary, so memory is
// size x excerpt x features floats, independent of corpus length.
package dev.loupe.features;

import dev.loupe.util.Rng;

final class RandomWindows {
    record Kept(int[] tokens, float[] codes, int document, int position) {}   // codes [len, features]

    private final Kept[] kept;
    private final int excerpt;
    private final Rng rng;
    private long seen;
    private int size;

    RandomWindows(int size, int excerpt, long seed) {
        this.kept = new Kept[size];
        this.excerpt = excerpt;
        this.rng = new Rng(Rng.mix(seed, -1));
    }

    void offer(Batch b) {
        if (kept.length == 0) return;
        int S = b.seq(), F = b.features(), len = Math.min(excerpt, S);
        for (int w = 0; w < b.windows().length; w++) {
            long n = ++seen;
            int slot = n <= kept.length ? (int) n - 1 : (int) rng.nextLong(n);
            if (slot >= kept.length) continue;
            int start = S == len ? 0 : rng.nextInt(S - len + 1);
            int[] t = new int[len];
            System.arraycopy(b.tokens()[w], start, t, 0, len);
            float[] c = new float[len * F];
            System.arraycopy(b.codes(), (w * S + start) * F, c, 0, len * F);
            kept[slot] = new Kept(t, c, b.windows()[w].document(), b.windows()[w].start() + start);
            size = Math.max(size, slot + 1);
        }
    }

    int size() { return size; }
    Kept get(int i) { return kept[i]; }
}
