package dev.loupe.model.arch;

import dev.loupe.model.TransformerConfig;
import dev.loupe.model.TransformerConfig.Activation;
import dev.loupe.model.TransformerConfig.Normalization;
import dev.loupe.model.TransformerConfig.Positional;
import dev.loupe.model.TransformerConfig.RotaryStyle;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GPTNeoXForCausalLM} / Pythia (HF models/gpt_neox): LayerNorm, partial rotate-half RoPE over
 * the first {@code int(d_head · rotary_pct)} dims, parallel or sequential residual, exact-erf GELU by
 * default, untied {@code embed_out}. The fused {@code query_key_value} [3D, D] is per-head interleaved:
 * output row {@code h·3·Dh + j·Dh + d} is q (j=0), k (1) or v (2) of head h, not [q|k|v] blocks.
 */
final class GptNeoX implements HfArchitecture {
    @Override public TransformerConfig config(HfConfig c) {
        int d = c.getInt("hidden_size"), heads = c.getInt("num_attention_heads");
        if (heads <= 0 || d % heads != 0) throw new ConfigException(c.file() + ": hidden_size " + d + " is not a multiple of num_attention_heads " + heads);
        c.requireAbsent("rope_scaling", "only the default RoPE is implemented");
        int dHead = d / heads;
        double pct = c.getDouble("rotary_pct", c.getDouble("partial_rotary_factor", 0.25));
        double base = c.getDouble("rotary_emb_base", c.getDouble("rope_theta", 10000));
        int rot = (int) (dHead * pct);
        boolean bias = c.getBool("attention_bias", true);
        TransformerConfig.Builder b = TransformerConfig.builder()
                .name("GPTNeoXForCausalLM")
                .nLayers(c.getInt("num_hidden_layers")).dModel(d).nHeads(heads)
                .dMlp(c.getInt("intermediate_size"))
                .vocab(c.getInt("vocab_size")).nCtx(c.getInt("max_position_embeddings", 2048))
                .normalization(Normalization.LAYER_NORM).eps(c.getDouble("layer_norm_eps", 1e-5))
                .rotaryStyle(RotaryStyle.ROTATE_HALF).rotaryBase(base)
                .parallelAttnMlp(c.getBool("use_parallel_residual", true))
                .act(Activation.parse(c.getString("hidden_act", "gelu"), c.file() + ": hidden_act"))
                .tiedEmbeddings(c.getBool("tie_word_embeddings", false))
                .qkvBias(bias).attnOutBias(bias).mlpBias(true);
        if (rot % 2 != 0) throw new ConfigException(c.file() + ": rotary_pct " + pct + " gives an odd rotary dimension " + rot + " of head size " + dHead);
        if (rot > 0) b.positional(Positional.ROTARY).rotaryDim(rot);
        else b.positional(Positional.NONE);
        return b.build();
    }

    @Override public Map<String, Tensor> weights(TransformerConfig cfg, WeightReader r) {
        int D = cfg.dModel(), F = cfg.dMlp(), H = cfg.nHeads(), Dh = cfg.dHead();
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("embed.W_E", r.take("gpt_neox.embed_in.weight", cfg.vocab(), D));
        for (int l = 0; l < cfg.nLayers(); l++) {
            String h = "gpt_neox.layers." + l + ".", b = "blocks." + l + ".";
            w.put(b + "ln1.w", r.take(h + "input_layernorm.weight", D));
            w.put(b + "ln1.b", r.take(h + "input_layernorm.bias", D));
            w.put(b + "ln2.w", r.take(h + "post_attention_layernorm.weight", D));
            w.put(b + "ln2.b", r.take(h + "post_attention_layernorm.bias", D));
            Tensor qkv = r.take(h + "attention.query_key_value.weight", 3 * D, D);   // [H, 3, Dh] rows × D
            Tensor qkvB = cfg.qkvBias() ? r.take(h + "attention.query_key_value.bias", 3 * D) : null;
            String[] names = {"Q", "K", "V"};
            for (int j = 0; j < 3; j++) {
                float[] wt = new float[D * D], bt = new float[D];              // W [D_in, H·Dh]
                for (int head = 0; head < H; head++) {
                    for (int e = 0; e < Dh; e++) {
                        int row = head * 3 * Dh + j * Dh + e, col = head * Dh + e;
                        for (int i = 0; i < D; i++) wt[i * D + col] = qkv.data()[row * D + i];
                        if (qkvB != null) bt[col] = qkvB.data()[row];
                    }
                }
                w.put(b + "attn.W_" + names[j], new Tensor(wt, D, D));
                if (qkvB != null) w.put(b + "attn.b_" + names[j], new Tensor(bt, D));
            }
            w.put(b + "attn.W_O", r.takeLinear(h + "attention.dense.weight", D, D));
            if (cfg.attnOutBias()) w.put(b + "attn.b_O", r.take(h + "attention.dense.bias", D));
            w.put(b + "mlp.W_in", r.takeLinear(h + "mlp.dense_h_to_4h.weight", F, D));
            w.put(b + "mlp.b_in", r.take(h + "mlp.dense_h_to_4h.bias", F));
            w.put(b + "mlp.W_out", r.takeLinear(h + "mlp.dense_4h_to_h.weight", D, F));
            w.put(b + "mlp.b_out", r.take(h + "mlp.dense_4h_to_h.bias", D));
        }
        w.put("ln_final.w", r.take("gpt_neox.final_layer_norm.weight", D));
        w.put("ln_final.b", r.take("gpt_neox.final_layer_norm.bias", D));
        if (!cfg.tiedEmbeddings()) w.put("unembed.W_U", r.takeLinear("embed_out.weight", cfg.vocab(), D));
        return w;
    }
}
