package dev.loupe.model.arch;

import dev.loupe.io.WeightStore;
import dev.loupe.model.Transformer;
import dev.loupe.model.TransformerConfig;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads a model from disk: an HF model directory ({@code config.json} + {@code model.safetensors}, or shards with {@code model.safetensors.index.json}; the
 * path may also name one of those two files) or a llama2.c {@code .bin} checkpoint. The architecture is
 * chosen from {@code architectures[0]}, falling back to {@code model_type}.
 */
public final class ModelLoader {
    private ModelLoader() {}

    /**
     * The tokenizer file that belongs to a model path: {@code tokenizer.json} in an HF model directory,
     * or for a llama2.c {@code .bin} a sibling {@code tokenizer.bin}, else the only {@code tok*.bin}.
     */
    public static Path tokenizerNextTo(Path model) {
        boolean llama2c = Files.isRegularFile(model) && model.getFileName().toString().endsWith(".bin");
        Path dir = Files.isRegularFile(model) ? model.toAbsolutePath().getParent() : model;
        if (!llama2c) {
            Path json = dir.resolve("tokenizer.json");
            if (Files.isRegularFile(json)) return json;
            throw new ConfigException(dir + ": no tokenizer.json next to the model; pass --tokenizer");
        }
        Path bin = dir.resolve("tokenizer.bin");
        if (Files.isRegularFile(bin)) return bin;
        try (var files = Files.list(dir)) {
            List<Path> tok = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("tok") && n.endsWith(".bin") && !p.equals(model.toAbsolutePath()) && Files.isRegularFile(p);
            }).sorted().toList();
            if (tok.size() == 1) return tok.get(0);
            throw new ConfigException(dir + ": " + (tok.isEmpty() ? "no tokenizer.bin or tok*.bin" : "several tok*.bin files " + tok)
                    + " next to the checkpoint; pass --tokenizer");
        } catch (java.io.IOException e) {
            throw new ConfigException(dir + ": cannot list the directory (" + e.getMessage() + ")");
        }
    }

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
        if (!WeightStore.hasWeights(dir))
            throw new ConfigException(dir + ": no model.safetensors or model.safetensors.index.json next to config.json");
        try (WeightStore st = WeightStore.open(dir)) {
            WeightReader r = new WeightReader(st);
            Map<String, Tensor> w = arch.weights(cfg, r);
            r.finish();
            return Transformer.create(cfg, w);
        }
    }
}
