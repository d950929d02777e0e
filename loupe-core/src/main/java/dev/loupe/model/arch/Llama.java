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
 * {@code LlamaForCausalLM} and {@code MistralForCausalLM} (HF models/llama): RMSNorm, full-head
 * rotate-half RoPE, GQA, SwiGLU MLP ({@code gate_proj} → W_gate, {@code up_proj} → W_in), biases only
 * when {@code attention_bias} / {@code mlp_bias}, {@code lm_head} absent when tied. Also the mapping
 * behind {@link Qwen2}, which forces q/k/v biases and no o_proj bias. Sliding-window attention
 * (Mistral, Qwen2 {@code use_sliding_window}) is not implemented; it equals full attention within the
 * window, so the context is capped at {@code sliding_window}.
 */
final class Llama implements HfArchitecture {
    @Override public TransformerConfig config(HfConfig c) { return config(c, false); }

    static TransformerConfig config(HfConfig c, boolean qwen2) {
        int d = c.getInt("hidden_size"), heads = c.getInt("num_attention_heads");
        if (heads <= 0) throw new ConfigException(c.file() + ": num_attention_heads must be > 0");
        c.requireAbsent("rope_scaling", "only the default RoPE is implemented");
        int nCtx = c.getInt("max_position_embeddings", qwen2 ? 32768 : 2048);
        // Sliding-window attention equals full attention up to the window: cap the context there.
        // Window: Qwen2 only with use_sliding_window; Mistral defaults to 4096 when the key is absent.
        boolean mistral = "mistral".equals(c.getString("model_type", "")) || "MistralForCausalLM".equals(c.architecture());
        int dfltWindow = mistral && !c.isExplicitNull("sliding_window") ? 4096 : Integer.MAX_VALUE;
        boolean window = qwen2 ? c.getBool("use_sliding_window", false) : true;
        if (window) nCtx = Math.min(nCtx, c.getInt("sliding_window", dfltWindow));
        boolean attnBias = c.getBool("attention_bias", false), mlpBias = c.getBool("mlp_bias", false);
        return TransformerConfig.builder()
                .name(qwen2 ? "Qwen2ForCausalLM" : "LlamaForCausalLM")
                .nLayers(c.getInt("num_hidden_layers")).dModel(d).nHeads(heads)
                .nKvHeads(c.getInt("num_key_value_heads", heads))
                .dHead(c.getInt("head_dim", d / heads))
                .dMlp(c.getInt("intermediate_size"))
                .vocab(c.getInt("vocab_size")).nCtx(nCtx)
                .normalization(Normalization.RMS_NORM).eps(c.getDouble("rms_norm_eps", 1e-6))
                .positional(Positional.ROTARY).rotaryStyle(RotaryStyle.ROTATE_HALF)
                .rotaryBase(c.getDouble("rope_theta", 10000))
                .gatedMlp(true)
                .act(Activation.parse(c.getString("hidden_act", "silu"), c.file() + ": hidden_act"))
                .tiedEmbeddings(c.getBool("tie_word_embeddings", false))
                .qkvBias(qwen2 || attnBias).attnOutBias(!qwen2 && attnBias).mlpBias(!qwen2 && mlpBias)
                .build();
    }

    @Override public Map<String, Tensor> weights(TransformerConfig cfg, WeightReader r) { return map(cfg, r); }

    static Map<String, Tensor> map(TransformerConfig cfg, WeightReader r) {
        int D = cfg.dModel(), F = cfg.dMlp(), Q = cfg.qDim(), KV = cfg.kvDim();
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("embed.W_E", r.take("model.embed_tokens.weight", cfg.vocab(), D));
        for (int l = 0; l < cfg.nLayers(); l++) {
            String h = "model.layers." + l + ".", b = "blocks." + l + ".";
            w.put(b + "ln1.w", r.take(h + "input_layernorm.weight", D));
            w.put(b + "ln2.w", r.take(h + "post_attention_layernorm.weight", D));
            w.put(b + "attn.W_Q", r.takeLinear(h + "self_attn.q_proj.weight", Q, D));
            w.put(b + "attn.W_K", r.takeLinear(h + "self_attn.k_proj.weight", KV, D));
            w.put(b + "attn.W_V", r.takeLinear(h + "self_attn.v_proj.weight", KV, D));
            w.put(b + "attn.W_O", r.takeLinear(h + "self_attn.o_proj.weight", D, Q));
            if (cfg.qkvBias()) {
                w.put(b + "attn.b_Q", r.take(h + "self_attn.q_proj.bias", Q));
                w.put(b + "attn.b_K", r.take(h + "self_attn.k_proj.bias", KV));
                w.put(b + "attn.b_V", r.take(h + "self_attn.v_proj.bias", KV));
            }
            if (cfg.attnOutBias()) w.put(b + "attn.b_O", r.take(h + "self_attn.o_proj.bias", D));
            w.put(b + "mlp.W_gate", r.takeLinear(h + "mlp.gate_proj.weight", F, D));
            w.put(b + "mlp.W_in", r.takeLinear(h + "mlp.up_proj.weight", F, D));
            w.put(b + "mlp.W_out", r.takeLinear(h + "mlp.down_proj.weight", D, F));
            if (cfg.mlpBias()) {
                w.put(b + "mlp.b_gate", r.take(h + "mlp.gate_proj.bias", F));
                w.put(b + "mlp.b_in", r.take(h + "mlp.up_proj.bias", F));
                w.put(b + "mlp.b_out", r.take(h + "mlp.down_proj.bias", D));
            }
        }
        w.put("ln_final.w", r.take("model.norm.weight", D));
        if (!cfg.tiedEmbeddings()) w.put("unembed.W_U", r.takeLinear("lm_head.weight", cfg.vocab(), D));
        return w;
    }
}
