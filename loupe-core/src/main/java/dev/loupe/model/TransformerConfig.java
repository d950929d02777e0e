package dev.loupe.model;

import dev.loupe.util.ConfigException;

/**
 * The flags that fully describe a decoder-only transformer for the generic {@link Transformer}.
 * An architecture class ({@code dev.loupe.model.arch}) turns an HF {@code config.json} or a llama2.c
 * header into one of these; nothing else about the architecture reaches the forward pass.
 *
 * <p>Field meanings follow TransformerLens's {@code HookedTransformerConfig}: {@code dHead} per head,
 * {@code nKvHeads} ≤ {@code nHeads} (GQA: query head h reads kv head {@code h / (nHeads/nKvHeads)}),
 * {@code rotaryDim} = the leading dims of each head that RoPE rotates, {@code attnScale} the factor
 * on q·k (HF: {@code 1/sqrt(dHead)}, or 1 for GPT-2 with {@code scale_attn_weights=false}).
 * Not a parser: reading {@code config.json} (and HF's defaults) is the architecture classes' job.
 */
public record TransformerConfig(
        String name, int nLayers, int dModel, int nHeads, int nKvHeads, int dHead, int dMlp, int vocab, int nCtx,
        Normalization normalization, double eps,
        Positional positional, int rotaryDim, RotaryStyle rotaryStyle, double rotaryBase,
        boolean parallelAttnMlp, boolean gatedMlp, Activation act, double attnScale,
        boolean tiedEmbeddings, boolean qkvBias, boolean attnOutBias, boolean mlpBias) {

    public enum Normalization { LAYER_NORM, RMS_NORM }
    public enum Positional { LEARNED, ROTARY, NONE }
    public enum RotaryStyle { ROTATE_HALF, INTERLEAVED }
    /** HF activation names: {@code gelu_new} (tanh), {@code gelu} (exact erf), {@code relu}, {@code silu}. */
    public enum Activation {
        GELU_NEW("gelu_new"), GELU("gelu"), RELU("relu"), SILU("silu");
        public final String hfName;
        Activation(String hfName) { this.hfName = hfName; }

        /** Parses an HF {@code activation_function}/{@code hidden_act} value; {@code where} names the key for errors. */
        public static Activation parse(String s, String where) {
            for (Activation a : values()) if (a.hfName.equals(s)) return a;
            if ("swish".equals(s)) return SILU;
            throw new ConfigException(where + ": activation '" + s + "' is not supported; use one of gelu_new, gelu, relu, silu");
        }
    }

    public TransformerConfig {
        if (name == null || name.isBlank()) name = "transformer";
        positive(name, "nLayers", nLayers); positive(name, "dModel", dModel); positive(name, "nHeads", nHeads);
        positive(name, "nKvHeads", nKvHeads); positive(name, "dHead", dHead); positive(name, "dMlp", dMlp);
        positive(name, "vocab", vocab); positive(name, "nCtx", nCtx);
        if (normalization == null || positional == null || act == null || rotaryStyle == null)
            throw new ConfigException(name + ": normalization, positional, act and rotaryStyle must all be set");
        if (nHeads % nKvHeads != 0)
            throw new ConfigException(name + ": nHeads " + nHeads + " is not a multiple of nKvHeads " + nKvHeads);
        if (!(eps > 0) || !Double.isFinite(eps)) throw new ConfigException(name + ": norm eps must be > 0, got " + eps);
        if (!(attnScale > 0) || !Double.isFinite(attnScale)) throw new ConfigException(name + ": attnScale must be > 0, got " + attnScale);
        if (positional == Positional.ROTARY) {
            if (rotaryDim <= 0 || rotaryDim > dHead || rotaryDim % 2 != 0)
                throw new ConfigException(name + ": rotaryDim " + rotaryDim + " must be even and in (0, dHead=" + dHead + "]");
            if (!(rotaryBase > 0)) throw new ConfigException(name + ": rotaryBase must be > 0, got " + rotaryBase);
        } else {
            rotaryDim = 0;
        }
    }

    private static void positive(String name, String field, int v) {
        if (v <= 0) throw new ConfigException(name + ": " + field + " must be > 0, got " + v);
    }

    public int qDim() { return nHeads * dHead; }
    public int kvDim() { return nKvHeads * dHead; }

    public static Builder builder() { return new Builder(); }

    /** Named-field construction with TransformerLens-like defaults (pre-LN GPT-style, learned positions). */
    public static final class Builder {
        private String name = "transformer";
        private int nLayers, dModel, nHeads, nKvHeads = -1, dHead = -1, dMlp = -1, vocab, nCtx;
        private Normalization normalization = Normalization.LAYER_NORM;
        private double eps = 1e-5;
        private Positional positional = Positional.LEARNED;
        private int rotaryDim = -1;
        private RotaryStyle rotaryStyle = RotaryStyle.ROTATE_HALF;
        private double rotaryBase = 10000;
        private boolean parallelAttnMlp, gatedMlp;
        private Activation act = Activation.GELU_NEW;
        private double attnScale = -1;
        private boolean tiedEmbeddings, qkvBias = true, attnOutBias = true, mlpBias = true;

        public Builder name(String v) { name = v; return this; }
        public Builder nLayers(int v) { nLayers = v; return this; }
        public Builder dModel(int v) { dModel = v; return this; }
        public Builder nHeads(int v) { nHeads = v; return this; }
        /** Defaults to nHeads. */
        public Builder nKvHeads(int v) { nKvHeads = v; return this; }
        /** Defaults to dModel / nHeads. */
        public Builder dHead(int v) { dHead = v; return this; }
        /** Defaults to 4 · dModel. */
        public Builder dMlp(int v) { dMlp = v; return this; }
        public Builder vocab(int v) { vocab = v; return this; }
        public Builder nCtx(int v) { nCtx = v; return this; }
        public Builder normalization(Normalization v) { normalization = v; return this; }
        public Builder eps(double v) { eps = v; return this; }
        public Builder positional(Positional v) { positional = v; return this; }
        /** Defaults to dHead for rotary models. */
        public Builder rotaryDim(int v) { rotaryDim = v; return this; }
        public Builder rotaryStyle(RotaryStyle v) { rotaryStyle = v; return this; }
        public Builder rotaryBase(double v) { rotaryBase = v; return this; }
        public Builder parallelAttnMlp(boolean v) { parallelAttnMlp = v; return this; }
        public Builder gatedMlp(boolean v) { gatedMlp = v; return this; }
        public Builder act(Activation v) { act = v; return this; }
        /** Defaults to 1/sqrt(dHead). */
        public Builder attnScale(double v) { attnScale = v; return this; }
        public Builder tiedEmbeddings(boolean v) { tiedEmbeddings = v; return this; }
        public Builder qkvBias(boolean v) { qkvBias = v; return this; }
        public Builder attnOutBias(boolean v) { attnOutBias = v; return this; }
        public Builder mlpBias(boolean v) { mlpBias = v; return this; }

        public TransformerConfig build() {
            int kv = nKvHeads < 0 ? nHeads : nKvHeads;
            int dh = dHead < 0 ? (nHeads > 0 ? dModel / nHeads : 0) : dHead;
            int mlp = dMlp < 0 ? 4 * dModel : dMlp;
            int rot = rotaryDim < 0 ? dh : rotaryDim;
            double sc = attnScale < 0 ? (dh > 0 ? 1.0 / Math.sqrt(dh) : 1) : attnScale;
            return new TransformerConfig(name, nLayers, dModel, nHeads, kv, dh, mlp, vocab, nCtx, normalization, eps,
                    positional, rot, rotaryStyle, rotaryBase, parallelAttnMlp, gatedMlp, act, sc,
                    tiedEmbeddings, qkvBias, attnOutBias, mlpBias);
        }
    }
}
