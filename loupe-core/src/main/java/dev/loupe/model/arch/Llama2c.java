package dev.loupe.model.arch;

import dev.loupe.io.Llama2cCheckpoint;
import dev.loupe.model.Transformer;
import dev.loupe.model.TransformerConfig;
import dev.loupe.model.TransformerConfig.Activation;
import dev.loupe.model.TransformerConfig.Normalization;
import dev.loupe.model.TransformerConfig.Positional;
import dev.loupe.model.TransformerConfig.RotaryStyle;
import dev.loupe.tensor.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * karpathy/llama2.c legacy ("version 0") {@code .bin} checkpoints, read by {@link Llama2cCheckpoint}
 * (format: ../shared/models/README.md) and mapped onto the generic {@link Transformer}.
 * Semantics (llama2.c run.c): RMSNorm eps 1e-5, RoPE theta 10000 on <b>interleaved</b> pairs (2i, 2i+1)
 * over the whole head, GQA, SwiGLU ({@code w1} gate → W_gate, {@code w3} → W_in, {@code w2} → W_out).
 */
public final class Llama2c {
    private Llama2c() {}

    public static Transformer load(Path file) {
        Llama2cCheckpoint ck = Llama2cCheckpoint.read(file);
        Llama2cCheckpoint.Header h = ck.header();
        boolean tied = h.sharedClassifier();
        TransformerConfig cfg = TransformerConfig.builder()
                .name("llama2.c").nLayers(h.nLayers()).dModel(h.dim()).nHeads(h.nHeads()).nKvHeads(h.nKvHeads()).dHead(h.headSize())
                .dMlp(h.hiddenDim()).vocab(h.vocabSize()).nCtx(h.seqLen())
                .normalization(Normalization.RMS_NORM).eps(1e-5)
                .positional(Positional.ROTARY).rotaryStyle(RotaryStyle.INTERLEAVED).rotaryBase(10000)
                .gatedMlp(true).act(Activation.SILU).tiedEmbeddings(tied)
                .qkvBias(false).attnOutBias(false).mlpBias(false)
                .build();
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("embed.W_E", ck.tensor("tok_emb"));
        for (int l = 0; l < h.nLayers(); l++) {
            String b = "blocks." + l + ".";
            w.put(b + "ln1.w", ck.layer(l, "rms_att"));
            w.put(b + "attn.W_Q", WeightReader.transpose(ck.layer(l, "wq")));
            w.put(b + "attn.W_K", WeightReader.transpose(ck.layer(l, "wk")));
            w.put(b + "attn.W_V", WeightReader.transpose(ck.layer(l, "wv")));
            w.put(b + "attn.W_O", WeightReader.transpose(ck.layer(l, "wo")));
            w.put(b + "ln2.w", ck.layer(l, "rms_ffn"));
            w.put(b + "mlp.W_gate", WeightReader.transpose(ck.layer(l, "w1")));
            w.put(b + "mlp.W_out", WeightReader.transpose(ck.layer(l, "w2")));
            w.put(b + "mlp.W_in", WeightReader.transpose(ck.layer(l, "w3")));
        }
        w.put("ln_final.w", ck.tensor("rms_final"));
        if (!tied) w.put("unembed.W_U", WeightReader.transpose(ck.tensor("wcls")));
        return Transformer.create(cfg, w);
    }
}
