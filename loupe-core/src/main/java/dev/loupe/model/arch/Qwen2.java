package dev.loupe.model.arch;

import dev.loupe.model.TransformerConfig;
import dev.loupe.tensor.Tensor;

import java.util.Map;

/**
 * {@code Qwen2ForCausalLM} (HF models/qwen2): Llama semantics, except q/k/v projections always have
 * biases and o_proj never does; defaults differ (max_position_embeddings 32768). With {@code use_sliding_window}
 * the context is capped at the window (see {@link Llama}).
 */
final class Qwen2 implements HfArchitecture {
    @Override public TransformerConfig config(HfConfig c) { return Llama.config(c, true); }

    @Override public Map<String, Tensor> weights(TransformerConfig cfg, WeightReader r) { return Llama.map(cfg, r); }
}
