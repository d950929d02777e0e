package dev.loupe.model.arch;

import dev.loupe.io.SafeTensors;
import dev.loupe.model.Transformer;
import dev.loupe.model.TransformerConfig;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a model from disk: an HF model directory ({@code config.json} + {@code model.safetensors}; the
 * path may also name one of those two files) or a llama2.c {@code .bin} checkpoint. The architecture is
 * chosen from {@code architectures[0]}, falling back to {@code model_type}.
 */
public final class ModelLoader {
    private ModelLoader() {}

    public static Transformer load(Path path) {
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".bin")) return Llama2c.load(path);
        Path dir = Files.isRegularFile(path) ? path.toAbsolutePath().getParent() : path;
        if (!Files.isDirectory(dir)) throw new ConfigException(path + ": no such model directory or llama2.c .bin file");
        Path cfgFile = dir.resolve("config.json");
        if (!Files.isRegularFile(cfgFile))
            throw new ConfigException(dir + ": no config.json; pass an HF model directory (config.json + model.safetensors) or a llama2.c .bin file");
        HfConfig hf = HfConfig.read(cfgFile);
        HfArchitecture arch = HfArchitecture.forConfig(hf);
        if (arch == null)
            throw new ConfigException(cfgFile + ": architecture '" + hf.architecture() + "' (model_type '" + hf.getString("model_type", "?")
                    + "') is not supported; supported: GPT2LMHeadModel, GPTNeoXForCausalLM, LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM");
        TransformerConfig cfg = arch.config(hf);
        Path weights = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) {
            if (Files.isRegularFile(dir.resolve("model.safetensors.index.json")))
                throw new ConfigException(dir + ": sharded checkpoints (model.safetensors.index.json) are not supported yet; merge the shards into model.safetensors");
            throw new ConfigException(dir + ": no model.safetensors next to config.json");
        }
        try (SafeTensors st = SafeTensors.open(weights)) {
            WeightReader r = new WeightReader(st);
            Map<String, Tensor> w = arch.weights(cfg, r);
            r.finish();
            return Transformer.create(cfg, w);
        }
    }
}
