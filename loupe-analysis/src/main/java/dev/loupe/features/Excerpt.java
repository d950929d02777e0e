// A kept context excerpt of one feature while streaming: the token ids of a slice of a window and
// the feature's activation at each of them, where it came from (document index, position of its
// first token: the window's start plus the offset, BOS included) and its maximum activation.
package dev.loupe.features;

record Excerpt(int[] tokens, float[] acts, int document, int position, float max) {

    /** Length of the slice kept from a window of length seq around position pos: about 3/4 of it before pos. */
    static int start(int seq, int len, int pos) {
        int before = len - 1 - len / 4;
        return Math.max(0, Math.min(seq - len, pos - before));
    }

    /** Cuts the excerpt [start, start + len) of window w from a batch, with feature f's activations. */
    static Excerpt cut(Batch b, int w, int start, int len, int f, float max) {
        int[] t = new int[len];
        float[] a = new float[len];
        System.arraycopy(b.tokens()[w], start, t, 0, len);
        int base = w * b.seq();
        for (int s = 0; s < len; s++) a[s] = b.codes()[(base + start + s) * b.features() + f];
        return new Excerpt(t, a, b.windows()[w].document(), b.windows()[w].start() + start, max);
    }
}
