package dev.loupe.model.arch;

import dev.loupe.model.TransformerConfig;
import dev.loupe.tensor.Tensor;

import java.util.Map;

/**
 * One HF model family: turns its {@code config.json} into a {@link TransformerConfig} (applying the HF
 * class defaults for missing keys, fixtures README §7) and its checkpoint tensors into Loupe's
 * canonical weights (see {@link dev.loupe.model.Transformer}), checking every shape.
 */
sealed interface HfArchitecture permits Gpt2, GptNeoX, Llama, Qwen2 {
    TransformerConfig config(HfConfig c);

    /** Canonical weights; must take every non-buffer tensor from {@code r}. */
    Map<String, Tensor> weights(TransformerConfig cfg, WeightReader r);

    /** The class for {@code architectures[0]}, falling back to {@code model_type}; null when unknown. */
    static HfArchitecture forConfig(HfConfig c) {
        String a = c.architecture();
        if (a != null) {
            switch (a) {
                case "GPT2LMHeadModel": return new Gpt2();
                case "GPTNeoXForCausalLM": return new GptNeoX();
                case "LlamaForCausalLM", "MistralForCausalLM": return new Llama();
                case "Qwen2ForCausalLM": return new Qwen2();
                default: break;
            }
        }
        return switch (c.getString("model_type", "")) {
            case "gpt2" -> new Gpt2();
            case "gpt_neox" -> new GptNeoX();
            case "llama", "mistral" -> new Llama();
            case "qwen2" -> new Qwen2();
            default -> null;
        };
    }
}
