package dev.loupe.intervene;

import dev.loupe.model.Transformer;
import dev.loupe.sae.train.ArraySource;
import dev.loupe.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * In-memory activations of one hook over a few token sequences, as rows [n, width], for fitting
 * baseline dictionaries (PCA/ICA) and mean/resample ablation values. Not a streaming harvester: meant
 * for the prompt sets and the few hundred windows an intervention reads.
 */
public final class Activations {
    private Activations() {}

    /** Activation rows [n, width] (row-major in {@code data}). */
    public record Rows(float[] data, int n, int width) {
        /** The rows as a training/fitting stream (e.g. for {@code Baselines.pca}). */
        public ArraySource source() { return new ArraySource(data, width); }
    }

    /** Rows of {@code hook} over the sequences (run in batches of equal-length sequences of up to {@code batch}). */
    public static Rows collect(Transformer model, String hook, int[][] sequences, int batch) {
        float[] rows = new float[0];
        int width = 0, n = 0;
        if (sequences.length == 0) throw new dev.loupe.util.ConfigException("no token sequences to collect activations from");
        for (int from = 0; from < sequences.length; ) {
            int len = sequences[from].length, to = from;
            while (to < sequences.length && to - from < batch && sequences[to].length == len) to++;
            Tensor act = model.runWithCache(Arrays.copyOfRange(sequences, from, to), List.of(hook)).get(hook);
            width = act.dim(-1);
            if (rows.length < (n + act.numel() / width) * width) rows = Arrays.copyOf(rows, Math.max(2 * rows.length, (n + act.numel() / width) * width));
            System.arraycopy(act.data(), 0, rows, n * width, act.numel());
            n += act.numel() / width;
            from = to;
        }
        return new Rows(Arrays.copyOf(rows, n * width), n, width);
    }
}
