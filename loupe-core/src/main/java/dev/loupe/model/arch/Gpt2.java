package dev.loupe.model.arch;

import dev.loupe.model.TransformerConfig;
import dev.loupe.model.TransformerConfig.Activation;
import dev.loupe.model.TransformerConfig.Normalization;
import dev.loupe.model.TransformerConfig.Positional;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GPT2LMHeadModel} (HF models/gpt2/modeling_gpt2.py): learned positions, pre-LN, sequential
 * residual, Conv1D weights stored [in, out] (already Loupe's orientation), fused {@code c_attn} split
 * into [q | k | v] column blocks, unembedding tied to {@code wte}. Accepts names with or without the
 * {@code transformer.} prefix (hub-legacy files have none, and carry {@code attn.bias} buffers).
 */
final class Gpt2 implements HfArchitecture {
    @Override public TransformerConfig config(HfConfig c) {
        if (c.getBool("scale_attn_by_inverse_layer_idx", false))
            throw new ConfigException(c.file() + ": scale_attn_by_inverse_layer_idx=true is not supported (Loupe does not implement per-layer attention scaling)");
        int d = c.getInt("n_embd"), heads = c.getInt("n_head");
        if (heads <= 0 || d % heads != 0) throw new ConfigException(c.file() + ": n_embd " + d + " is not a multiple of n_head " + heads);
        return TransformerConfig.builder()
                .name("GPT2LMHeadModel")
                .nLayers(c.getInt("n_layer")).dModel(d).nHeads(heads)
                .dMlp(c.getInt("n_inner", 4 * d))
                .vocab(c.getInt("vocab_size")).nCtx(c.getInt("n_positions"))
                .normalization(Normalization.LAYER_NORM).eps(c.getDouble("layer_norm_epsilon", 1e-5))
                .positional(Positional.LEARNED)
                .act(Activation.parse(c.getString("activation_function", "gelu_new"), c.file() + ": activation_function"))
                .attnScale(c.getBool("scale_attn_weights", true) ? 1.0 / Math.sqrt(d / heads) : 1.0)
                .tiedEmbeddings(true)
                .qkvBias(true).attnOutBias(true).mlpBias(true)
                .build();
    }

    @Override public Map<String, Tensor> weights(TransformerConfig cfg, WeightReader r) {
        String p = r.contains("transformer.wte.weight") ? "transformer." : "";
        int D = cfg.dModel(), F = cfg.dMlp();
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("embed.W_E", r.take(p + "wte.weight", cfg.vocab(), D));
        w.put("pos_embed.W_pos", r.take(p + "wpe.weight", cfg.nCtx(), D));
        for (int l = 0; l < cfg.nLayers(); l++) {
            String h = p + "h." + l + ".", b = "blocks." + l + ".";
            w.put(b + "ln1.w", r.take(h + "ln_1.weight", D));
            w.put(b + "ln1.b", r.take(h + "ln_1.bias", D));
            Tensor qkv = r.take(h + "attn.c_attn.weight", D, 3 * D), qkvB = r.take(h + "attn.c_attn.bias", 3 * D);
            String[] qkvNames = {"Q", "K", "V"};
            for (int j = 0; j < 3; j++) {
                w.put(b + "attn.W_" + qkvNames[j], WeightReader.columns(qkv, j * D, D));
                w.put(b + "attn.b_" + qkvNames[j], WeightReader.slice(qkvB, j * D, D));
            }
            w.put(b + "attn.W_O", r.take(h + "attn.c_proj.weight", D, D));
            w.put(b + "attn.b_O", r.take(h + "attn.c_proj.bias", D));
            w.put(b + "ln2.w", r.take(h + "ln_2.weight", D));
            w.put(b + "ln2.b", r.take(h + "ln_2.bias", D));
            w.put(b + "mlp.W_in", r.take(h + "mlp.c_fc.weight", D, F));
            w.put(b + "mlp.b_in", r.take(h + "mlp.c_fc.bias", F));
            w.put(b + "mlp.W_out", r.take(h + "mlp.c_proj.weight", F, D));
            w.put(b + "mlp.b_out", r.take(h + "mlp.c_proj.bias", D));
        }
        w.put("ln_final.w", r.take(p + "ln_f.weight", D));
        w.put("ln_final.b", r.take(p + "ln_f.bias", D));
        // Some exports also write the tied lm_head; it must equal wte, so it is checked and dropped.
        if (r.contains("lm_head.weight")
                && !java.util.Arrays.equals(r.take("lm_head.weight", cfg.vocab(), D).data(), w.get("embed.W_E").data()))
            throw new FormatException("lm_head.weight differs from wte.weight, but GPT-2 ties them; the checkpoint is not a GPT2LMHeadModel");
        return w;
    }
}
