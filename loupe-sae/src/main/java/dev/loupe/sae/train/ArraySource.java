package dev.loupe.sae.train;

/** An in-memory {@link ActivationSource} over rows [n, d_in], read once front to back (no wrap-around). */
public final class ArraySource implements ActivationSource {
    private final float[] rows;
    private final int dIn;
    private long pos;

    public ArraySource(float[] rows, int dIn) {
        if (dIn < 1 || rows.length % dIn != 0) throw new IllegalArgumentException("array of " + rows.length + " values is not rows of width " + dIn);
        this.rows = rows;
        this.dIn = dIn;
    }

    @Override public int dIn() { return dIn; }

    @Override public int next(float[] out, int n) {
        long total = rows.length / dIn;
        int m = (int) Math.min(n, total - pos);
        System.arraycopy(rows, (int) (pos * dIn), out, 0, m * dIn);
        pos += m;
        return m;
    }

    @Override public long position() { return pos; }

    @Override public void seek(long position) {
        if (position < 0 || position > rows.length / dIn) throw new IllegalArgumentException("position " + position + " outside the array");
        pos = position;
    }
}
