// A kept context excerpt of one feature while streaming: the token ids of a slice of a window and
// the feature's activation at each of them, where it came from (document index, position of its
// first token: the window's start plus the offset, BOS included) and its maximum activation.
package dev.loupe.features;

record Excerpt(int[] tokens, float[] acts, int document, int position, float max) {

    /** Start of the slice of length len kept from a window of length seq around position pos: about 3/4 of it before pos. */
    static int start(int seq, int len, int pos) {
        int before = len - 1 - len / 4;
        return Math.max(0, Math.min(seq - len, pos - before));
    }

    /**
     * Cuts the excerpt [start, start + len) of window w from a batch for feature f. Reading len
     * values down the code matrix's column costs less than transposing a block of it per window:
     * after the first windows, few features of a block keep an excerpt from any one window.
     */
    static Excerpt cut(Batch b, int w, int start, int len, int f, float max) {
        int[] t = new int[len];
        float[] a = new float[len];
        System.arraycopy(b.tokens()[w], start, t, 0, len);
        int F = b.features(), row = w * b.seq() + start;
        for (int s = 0; s < len; s++) a[s] = b.codes()[(row + s) * F + f];
        return new Excerpt(t, a, b.windows()[w].document(), b.windows()[w].start() + start, max);
    }
}
