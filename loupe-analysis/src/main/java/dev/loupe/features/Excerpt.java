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

    /** Cuts the excerpt [start, start + len) of window w from a batch; col[colOff + s] is the feature's activation at position s. */
    static Excerpt cut(Batch b, int w, int start, int len, float[] col, int colOff, float max) {
        int[] t = new int[len];
        float[] a = new float[len];
        System.arraycopy(b.tokens()[w], start, t, 0, len);
        System.arraycopy(col, colOff + start, a, 0, len);
        return new Excerpt(t, a, b.windows()[w].document(), b.windows()[w].start() + start, max);
    }
}
