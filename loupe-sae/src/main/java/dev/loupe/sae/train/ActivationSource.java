package dev.loupe.sae.train;

/**
 * A stream of activation rows [rows, d_in] for SAE training and evaluation. The trainer knows nothing
 * about language models: harvesting, shuffle buffers and on-disk shards implement this interface.
 *
 * <p>{@link #position()} / {@link #seek} make resumption exact: a checkpoint stores the position and a
 * resumed run seeks back to it, so it sees the same rows an uninterrupted run would have seen.
 */
public interface ActivationSource {
    int dIn();

    /** Writes the next rows into out[0, rows·d_in) and returns how many it wrote (fewer only at the end). */
    int next(float[] out, int rows);

    /** Rows consumed so far. */
    long position();

    /** Continue from an earlier {@link #position()}; sources that cannot throw a ConfigException. */
    void seek(long position);
}
