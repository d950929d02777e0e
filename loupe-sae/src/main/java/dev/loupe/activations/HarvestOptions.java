package dev.loupe.activations;

import dev.loupe.io.DType;
import dev.loupe.tokenizer.HfTokenizer;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * How {@link Harvester} turns model runs into activation rows. Not the corpus or the windows (those are
 * the caller's {@code TokenWindows}), and not how an SAE reads them back ({@link ShardSource}).
 *
 * @param batchSize      windows (sequences) per forward pass
 * @param excludeSpecial drop positions holding a special token: with {@code specialIds} those ids (BOS,
 *                       end-of-text, added special tokens) wherever they occur; without, position 0 of every
 *                       window (where {@code TokenWindows} puts the BOS, and the attention sink either way)
 * @param outlierFactor  k &gt; 0 drops positions whose activation norm exceeds k × the median norm of the
 *                       kept positions of the same forward batch and hook (attention-sink outliers); 0 = off
 * @param dtype          element type of the activations in shards: F32, F16 or BF16
 * @param rowsPerShard   positions per shard before exclusions, rounded down to whole windows (≥ one window):
 *                       every hook's shard i covers the same windows, which is what makes resume simple
 * @param specialIds     the special token ids (see {@link #specialIds(Tokenizer)}); null = unknown
 */
public record HarvestOptions(int batchSize, boolean excludeSpecial, double outlierFactor, DType dtype, int rowsPerShard, int[] specialIds) {
    public HarvestOptions {
        if (batchSize < 1) throw new ConfigException("harvest batch size must be >= 1 window, got " + batchSize);
        if (!(outlierFactor == 0 || outlierFactor > 0 && Double.isFinite(outlierFactor)))
            throw new ConfigException("outlier factor must be 0 (off) or a finite number > 0, got " + outlierFactor);
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16)
            throw new ConfigException("activation shards are stored as f32, f16 or bf16, not " + dtype);
        if (rowsPerShard < 1) throw new ConfigException("rows per shard must be >= 1, got " + rowsPerShard);
        if (specialIds != null) specialIds = new TreeSet<>(Arrays.stream(specialIds).boxed().toList()).stream().mapToInt(Integer::intValue).toArray();
    }

    /** The five-setting form: special tokens unknown (position 0 is dropped when excluding). */
    public HarvestOptions(int batchSize, boolean excludeSpecial, double outlierFactor, DType dtype, int rowsPerShard) {
        this(batchSize, excludeSpecial, outlierFactor, dtype, rowsPerShard, null);
    }

    /** Every position kept as f32 rows, batchSize sequences per forward: for in-memory {@link Harvester#collect} (fits, ablation values). */
    public static HarvestOptions everyPosition(int batchSize) { return new HarvestOptions(batchSize, false, 0, DType.F32, 16384); }

    /** 32 windows per forward, special positions excluded, no outlier filter, f32 shards of 16384 positions. */
    public static HarvestOptions defaults() { return new HarvestOptions(32, true, 0, DType.F32, 16384); }

    public HarvestOptions withSpecialIds(int... ids) { return new HarvestOptions(batchSize, excludeSpecial, outlierFactor, dtype, rowsPerShard, ids); }
    public HarvestOptions withSpecialIds(Tokenizer tok) { return withSpecialIds(specialIds(tok)); }
    public HarvestOptions withDtype(DType d) { return new HarvestOptions(batchSize, excludeSpecial, outlierFactor, d, rowsPerShard, specialIds); }
    public HarvestOptions withOutlierFactor(double k) { return new HarvestOptions(batchSize, excludeSpecial, k, dtype, rowsPerShard, specialIds); }
    public HarvestOptions withRowsPerShard(int n) { return new HarvestOptions(batchSize, excludeSpecial, outlierFactor, dtype, n, specialIds); }
    public HarvestOptions withBatchSize(int n) { return new HarvestOptions(n, excludeSpecial, outlierFactor, dtype, rowsPerShard, specialIds); }

    /** The tokenizer's BOS and end-of-text ids and (HF tokenizers) every added token flagged special, sorted. */
    public static int[] specialIds(Tokenizer tok) {
        TreeSet<Integer> ids = new TreeSet<>();
        tok.bosId().ifPresent(ids::add);
        tok.eosId().ifPresent(ids::add);
        if (tok instanceof HfTokenizer hf) for (int i = 0; i < tok.vocabSize(); i++) if (hf.isSpecial(i)) ids.add(i);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether the position at {@code pos} of a window holding {@code token} is dropped as special. */
    public boolean isSpecial(int token, int pos) {
        if (!excludeSpecial) return false;
        return specialIds == null ? pos == 0 : Arrays.binarySearch(specialIds, token) >= 0;
    }

    // records compare arrays by identity; options are compared by value when a harvest is resumed
    @Override public boolean equals(Object o) {
        return o instanceof HarvestOptions h && h.batchSize == batchSize && h.excludeSpecial == excludeSpecial
                && Double.compare(h.outlierFactor, outlierFactor) == 0 && h.dtype == dtype && h.rowsPerShard == rowsPerShard
                && Arrays.equals(h.specialIds, specialIds);
    }

    @Override public int hashCode() { return Arrays.hashCode(specialIds) * 31 + java.util.Objects.hash(batchSize, excludeSpecial, outlierFactor, dtype, rowsPerShard); }

    @Override public String toString() {
        return "HarvestOptions[batchSize=" + batchSize + ", excludeSpecial=" + excludeSpecial + ", outlierFactor=" + outlierFactor
                + ", dtype=" + dtype + ", rowsPerShard=" + rowsPerShard + ", specialIds=" + Arrays.toString(specialIds) + "]";
    }
}
