package dev.loupe.activations;

import dev.loupe.io.SafeTensors;
import dev.loupe.sae.train.ActivationSource;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;
import dev.loupe.util.Rng;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one hook's rows from a harvest folder ({@link HarvestManifest}) as an endless {@link ActivationSource}:
 * epoch after epoch over the shards, each epoch through a mixing (shuffle) buffer of {@code shuffleBuffer}
 * rows — the buffer is filled from the shards in order, then each output row is a uniformly chosen buffer
 * slot, refilled from the stream; at the end of an epoch the buffer drains, so every epoch is a permutation
 * of the harvested rows (buffer 0 or 1: harvest order). Epoch e draws from {@code Rng(mix(seed, e))}.
 *
 * <p>{@link #position()} counts rows given out; {@link #seek} replays the buffer's choices on row indices
 * only (no data) and then loads the rows the buffer holds, so a resumed SAE run sees exactly the rows an
 * uninterrupted one would. Memory: the buffer plus one decoded shard. Many sources may read one folder.
 * Not thread-safe.
 */
public final class ShardSource implements ActivationSource {
    private final Path dir;
    private final String hook;
    private final int d, capacity;
    private final long seed;
    private final long[] shardStart;    // first epoch row of each shard; last entry = rows per epoch
    private final long rows;

    // mixing-buffer state: slot i holds epoch row bufIdx[i], values bufData[i·d, (i+1)·d)
    private final long[] bufIdx;
    private final float[] bufData;
    private int count;
    private long epoch, streamNext, position;
    private Rng rng;

    // the decoded shard the stream is reading
    private int loadedShard = -1;
    private float[] loaded;

    private ShardSource(Path dir, String hook, int d, long[] shardStart, int shuffleBuffer, long seed) {
        this.dir = dir;
        this.hook = hook;
        this.d = d;
        this.shardStart = shardStart;
        this.rows = shardStart[shardStart.length - 1];
        this.capacity = Math.max(1, shuffleBuffer);
        this.seed = seed;
        this.bufIdx = new long[capacity];
        this.bufData = new float[Math.toIntExact((long) capacity * d)];
        startEpoch(0);
    }

    /** The rows of {@code hook} in the harvest at {@code dir}; a shuffle buffer of 0 or 1 keeps harvest order. */
    public static ShardSource open(Path dir, String hook, int shuffleBuffer, long seed) {
        if (shuffleBuffer < 0) throw new ConfigException("shuffle buffer must be >= 0 rows, got " + shuffleBuffer);
        HarvestManifest m = HarvestManifest.read(dir);
        Integer d = m.dIn().get(hook);
        if (d == null) throw new ConfigException(dir + " has no activations for hook '" + hook + "'; it holds " + m.hooks());
        if (!m.complete()) throw new ConfigException(dir + ": the harvest is not finished; rerun the same loupe harvest command to complete it");
        long[] start = new long[m.shards().size() + 1];
        for (int i = 0; i < m.shards().size(); i++) {
            start[i + 1] = start[i] + m.shards().get(i).rows().get(hook);
            if (!Files.isRegularFile(HarvestManifest.shardFile(dir, hook, i)))
                throw new FormatException(HarvestManifest.shardFile(dir, hook, i) + " is missing; the harvest folder is incomplete — rerun loupe harvest into a new folder");
        }
        if (start[start.length - 1] == 0) throw new ConfigException(dir + ": no rows for hook '" + hook + "' (every position was excluded)");
        return new ShardSource(dir, hook, d, start, shuffleBuffer, seed);
    }

    @Override public int dIn() { return d; }

    /** Rows per epoch. */
    public long rows() { return rows; }

    @Override public long position() { return position; }

    /** Always fills {@code n} rows: the source is endless (epochs repeat). */
    @Override public int next(float[] out, int n) {
        for (int i = 0; i < n; i++) {
            int slot = step(true);
            System.arraycopy(bufData, slot * d, out, i * d, d);
            // swap-remove the slot after its row was copied out
            count--;
            bufIdx[slot] = bufIdx[count];
            System.arraycopy(bufData, count * d, bufData, slot * d, d);
        }
        return n;
    }

    @Override public void seek(long target) {
        if (target < 0) throw new ConfigException("cannot seek to row " + target);
        startEpoch(target / rows);
        for (long p = position; p < target; p++) {
            int slot = step(false);
            count--;
            bufIdx[slot] = bufIdx[count];
        }
        // load the values of the rows the buffer now holds, shard by shard
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(bufIdx[a], bufIdx[b]));
        for (int i : order) {
            float[] s = shard(shardOf(bufIdx[i]));
            System.arraycopy(s, (int) (bufIdx[i] - shardStart[loadedShard]) * d, bufData, i * d, d);
        }
    }

    private void startEpoch(long e) {
        epoch = e;
        rng = new Rng(Rng.mix(seed, e));
        streamNext = 0;
        count = 0;
        position = e * rows;
    }

    /** Advances one output row: refills the buffer (values only when {@code withData}), picks the slot to give out. */
    private int step(boolean withData) {
        if (count == 0 && streamNext == rows) startEpoch(epoch + 1);
        while (count < capacity && streamNext < rows) {
            bufIdx[count] = streamNext;
            if (withData) {
                float[] s = shard(shardOf(streamNext));
                System.arraycopy(s, (int) (streamNext - shardStart[loadedShard]) * d, bufData, count * d, d);
            }
            count++;
            streamNext++;
        }
        position++;
        return count == 1 ? 0 : rng.nextInt(count);
    }

    /** The shard holding epoch row {@code row}: the last shard starting at or before it (empty shards are skipped that way). */
    private int shardOf(long row) {
        if (loadedShard >= 0 && row >= shardStart[loadedShard] && row < shardStart[loadedShard + 1]) return loadedShard;
        int lo = 0, hi = shardStart.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (shardStart[mid] <= row) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    private float[] shard(int i) {
        if (i == loadedShard) return loaded;
        Path f = HarvestManifest.shardFile(dir, hook, i);
        try (SafeTensors st = SafeTensors.open(f)) {
            Tensor t = st.tensor("activations");
            long want = shardStart[i + 1] - shardStart[i];
            if (t.rank() != 2 || t.dim(1) != d || t.dim(0) != want)
                throw new FormatException(f + ": activations have shape " + Arrays.toString(t.shape()) + ", the manifest says [" + want + ", " + d + "]; the folder is corrupt — harvest again");
            loaded = t.data();
            loadedShard = i;
            return loaded;
        }
    }

    /** Reads every row of one hook in harvest order, [rows, d] (for small harvests and tests). */
    public static float[] readAll(Path dir, String hook) {
        ShardSource s = open(dir, hook, 0, 0);
        float[] out = new float[Math.toIntExact(s.rows() * s.d)];
        s.next(out, (int) s.rows());
        return out;
    }

    /** The shard files of one hook, in order. */
    public static List<Path> shardFiles(Path dir, String hook) {
        HarvestManifest m = HarvestManifest.read(dir);
        return java.util.stream.IntStream.range(0, m.shards().size()).mapToObj(i -> HarvestManifest.shardFile(dir, hook, i)).toList();
    }
}
