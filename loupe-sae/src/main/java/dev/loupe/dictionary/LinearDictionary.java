package dev.loupe.dictionary;

import dev.loupe.io.SafeTensors;
import dev.loupe.io.SafeTensorsWriter;
import dev.loupe.sae.SaeOps;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.FormatException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The baselines of Cunningham et al. 2023 as one linear {@link Dictionary}: codes c = E·(x − μ),
 * optionally clipped at zero and optionally reduced to the top K per row (by value when clipped, by
 * magnitude otherwise; Appendix G's top-K PCA/ICA), and reconstruction x̂ = cᵀ·D + μ. Neuron basis,
 * random directions, PCA and ICA differ only in E, D, μ and these two switches ({@link Baselines}).
 */
public final class LinearDictionary implements Dictionary {
    private final String kind;
    private final int dIn, m;
    private final float[] encoder;   // [m, dIn]
    private final float[] decoder;   // [m, dIn], rows are the directions
    private final float[] center;    // [dIn]
    private final boolean clip;
    private final int topK;

    public LinearDictionary(String kind, int dIn, int m, float[] encoder, float[] decoder, float[] center, boolean clip, int topK) {
        if (encoder.length != m * dIn || decoder.length != m * dIn || center.length != dIn)
            throw new IllegalArgumentException(kind + ": encoder/decoder must be [" + m + ", " + dIn + "] and centre [" + dIn + "]");
        if (topK < 0 || topK > m) throw new IllegalArgumentException(kind + ": topK must be in [0, " + m + "], got " + topK);
        this.kind = kind;
        this.dIn = dIn;
        this.m = m;
        this.encoder = encoder;
        this.decoder = decoder;
        this.center = center;
        this.clip = clip;
        this.topK = topK;
    }

    /** The same dictionary keeping only the top K codes per row. */
    public LinearDictionary withTopK(int k) {
        return new LinearDictionary(kind.replaceAll("-top\\d+$", "") + "-top" + k, dIn, m, encoder, decoder, center, clip, k);
    }

    @Override public int dIn() { return dIn; }
    @Override public int dFeatures() { return m; }
    @Override public String kind() { return kind; }

    @Override public float[] direction(int i) {
        float[] out = new float[dIn];
        System.arraycopy(decoder, i * dIn, out, 0, dIn);
        return out;
    }

    @Override public Tensor encode(Tensor x) {
        int n = x.dim(0);
        float[] c = new float[n * m];
        SaeOps.mm(false, true, n, m, dIn, SaeOps.center(x.data(), n, dIn, center), encoder, 0f, c);
        if (clip) for (int i = 0; i < c.length; i++) if (!(c[i] > 0)) c[i] = 0f;
        if (topK > 0 && topK < m) {
            float[] key = new float[m];
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < m; i++) key[i] = Math.abs(c[b * m + i]);
                float[] sorted = key.clone();
                java.util.Arrays.sort(sorted);
                float cut = sorted[m - topK];
                int ties = topK;   // slots left for entries equal to the cut (lower index wins)
                for (int i = 0; i < m; i++) if (key[i] > cut) ties--;
                for (int i = 0; i < m; i++) {
                    if (key[i] > cut) continue;
                    if (key[i] == cut && ties > 0) ties--;
                    else c[b * m + i] = 0f;
                }
            }
        }
        return new Tensor(c, n, m);
    }

    @Override public Tensor decode(Tensor codes) {
        int n = codes.dim(0);
        float[] out = new float[n * dIn];
        SaeOps.mm(false, false, n, dIn, m, codes.data(), decoder, 0f, out);
        SaeOps.addRows(out, n, dIn, center);
        return new Tensor(out, n, dIn);
    }

    /**
     * Saves this dictionary as one safetensors file (tensors encoder, decoder [m, dIn] and center [dIn];
     * metadata kind, clip, top_k), written atomically, so a baseline fitted once (PCA, ICA) can be
     * reopened by the browser's live model without its activations. {@link #read} is the inverse.
     */
    public void save(Path file) {
        new SafeTensorsWriter().metadata("loupe_dictionary", "linear").metadata("kind", kind)
                .metadata("clip", String.valueOf(clip)).metadata("top_k", String.valueOf(topK))
                .add("encoder", new Tensor(encoder, m, dIn)).add("decoder", new Tensor(decoder, m, dIn)).add("center", new Tensor(center, dIn))
                .write(file);
    }

    /** Reads a file written by {@link #save}. */
    public static LinearDictionary read(Path file) {
        if (!Files.isRegularFile(file)) throw new FormatException(file + ": no such baseline dictionary file; rerun the step that wrote it");
        try (SafeTensors st = SafeTensors.open(file)) {
            var meta = st.metadata();
            if (!"linear".equals(meta.get("loupe_dictionary")) || !st.contains("encoder") || !st.contains("decoder") || !st.contains("center"))
                throw new FormatException(file + ": not a Loupe baseline dictionary (needs metadata loupe_dictionary=linear and tensors encoder, decoder, center)");
            Tensor enc = st.tensor("encoder"), dec = st.tensor("decoder"), c = st.tensor("center");
            if (enc.rank() != 2 || dec.rank() != 2 || c.rank() != 1 || enc.dim(0) != dec.dim(0) || enc.dim(1) != dec.dim(1) || c.dim(0) != enc.dim(1))
                throw new FormatException(file + ": encoder/decoder must both be [m, d_in] and center [d_in]");
            int topK;
            try {
                topK = Integer.parseInt(meta.getOrDefault("top_k", "0"));
            } catch (NumberFormatException e) {
                throw new FormatException(file + ": metadata top_k '" + meta.get("top_k") + "' is not an integer");
            }
            if (topK < 0 || topK > enc.dim(0)) throw new FormatException(file + ": metadata top_k " + topK + " is outside 0.." + enc.dim(0));
            return new LinearDictionary(meta.getOrDefault("kind", "linear"), enc.dim(1), enc.dim(0), enc.data(), dec.data(), c.data(),
                    Boolean.parseBoolean(meta.get("clip")), topK);
        }
    }
}
