package dev.loupe.lm;

import dev.loupe.util.AtomicFiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loupe.io.SafeTensors;
import dev.loupe.io.SafeTensorsWriter;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.FormatException;
import dev.loupe.util.LoupeException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Reads and writes the trainer's parameters as a standard HF GPT-2 model directory:
 * {@code config.json} ({@code GPT2LMHeadModel}) and {@code model.safetensors} with the modern tensor
 * names of §6 of the shared fixtures README (Conv1D [in, out] matrices, tied so no lm_head).
 * The tokenizer.json is copied by the caller. Not a general HF loader: the engine in
 * {@code dev.loupe.model} is that; this one exists so the trainer can prove its layout against the
 * gpt2-tiny fixture and so trained models open in any GPT-2 reader.
 */
public final class HfGpt2 {
    private HfGpt2() {}

    /** Writes config.json and model.safetensors (both atomically) into dir. */
    public static void write(Gpt2 model, int eosTokenId, Path dir) {
        Gpt2Config c = model.config();
        var w = new SafeTensorsWriter().metadata("format", "pt");
        for (ParamLayout.Slice s : model.layout().slices()) {
            w.add(s.hfName(), new Tensor(Arrays.copyOfRange(model.params(), s.offset(), s.offset() + s.size()), s.shape()));
        }
        w.write(dir.resolve("model.safetensors"));
        var json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        var m = new TreeMap<String, Object>();   // sorted keys, as save_pretrained writes them
        m.put("activation_function", c.act().hfName());
        m.put("architectures", new String[]{"GPT2LMHeadModel"});
        m.put("attn_pdrop", 0.0);
        m.put("bos_token_id", eosTokenId);
        m.put("embd_pdrop", 0.0);
        m.put("eos_token_id", eosTokenId);
        m.put("initializer_range", 0.02);
        m.put("layer_norm_epsilon", Double.parseDouble(Float.toString(c.layerNormEps())));   // 1e-5, not 9.99999974e-6
        m.put("model_type", "gpt2");
        m.put("n_embd", c.dModel());
        m.put("n_head", c.heads());
        m.put("n_inner", c.dMlp());
        m.put("n_layer", c.layers());
        m.put("n_positions", c.context());
        m.put("reorder_and_upcast_attn", false);
        m.put("resid_pdrop", 0.0);
        m.put("scale_attn_by_inverse_layer_idx", false);
        m.put("scale_attn_weights", true);
        m.put("tie_word_embeddings", true);
        m.put("torch_dtype", "float32");
        m.put("use_cache", true);
        m.put("vocab_size", c.vocabSize());
        try {
            AtomicFiles.writeString(dir.resolve("config.json"), json.writeValueAsString(m) + "\n");
        } catch (IOException e) {
            throw new LoupeException("cannot encode config.json for " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads a GPT2LMHeadModel directory (modern or hub-legacy names) into a new trainer model. */
    public static Gpt2 read(Path dir) {
        Path cfgPath = dir.resolve("config.json");
        JsonNode j;
        try {
            j = new ObjectMapper().readTree(cfgPath.toFile());
        } catch (IOException e) {
            throw new FormatException("cannot read " + cfgPath + ": " + e.getMessage() + " (expected an HF GPT-2 model directory)", e);
        }
        String arch = j.path("architectures").path(0).asText("");
        if (!arch.equals("GPT2LMHeadModel"))
            throw new FormatException(cfgPath + ": architectures[0] is '" + arch + "', the trainer reads only GPT2LMHeadModel");
        if (!j.path("tie_word_embeddings").asBoolean(true))
            throw new FormatException(cfgPath + ": tie_word_embeddings is false; the trainer supports only tied GPT-2 models");
        int d = required(j, "n_embd", cfgPath);
        int inner = j.path("n_inner").isNumber() ? j.path("n_inner").asInt() : 4 * d;
        String act = j.path("activation_function").asText("gelu_new");
        if (!act.equals("relu") && !act.equals("gelu_new"))
            throw new FormatException(cfgPath + ": activation_function '" + act + "' is not supported by the trainer (relu or gelu_new)");
        var cfg = new Gpt2Config(required(j, "vocab_size", cfgPath), required(j, "n_positions", cfgPath),
                required(j, "n_layer", cfgPath), d, required(j, "n_head", cfgPath), inner,
                Gpt2Config.Activation.parse(act), (float) j.path("layer_norm_epsilon").asDouble(1e-5));
        Gpt2 model = new Gpt2(cfg);
        Path st = dir.resolve("model.safetensors");
        try (SafeTensors f = SafeTensors.open(st)) {
            for (ParamLayout.Slice s : model.layout().slices()) {
                String name = f.contains(s.hfName()) ? s.hfName() : s.hfName().substring("transformer.".length());
                if (!f.contains(name)) throw new FormatException(st + ": tensor " + s.hfName() + " is missing");
                Tensor t = f.tensor(name);
                if (!Arrays.equals(t.shape(), s.shape()))
                    throw new FormatException(st + ": tensor " + name + " has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(s.shape()));
                System.arraycopy(t.data(), 0, model.params(), s.offset(), s.size());
            }
        }
        return model;
    }

    private static int required(JsonNode j, String key, Path file) {
        if (!j.path(key).canConvertToInt()) throw new FormatException(file + ": integer field '" + key + "' is missing");
        return j.path(key).asInt();
    }

}
