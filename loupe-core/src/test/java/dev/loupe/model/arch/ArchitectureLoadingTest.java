package dev.loupe.model.arch;

import dev.loupe.io.SafeTensors;
import dev.loupe.io.SafeTensorsWriter;
import dev.loupe.model.Transformer;
import dev.loupe.model.TransformerConfig;
import dev.loupe.testutil.Shared;
import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;
import dev.loupe.util.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config defaults and every loader error path, on copies of fixture files in a temp dir. */
class ArchitectureLoadingTest {
    static Path fixture(String name) { return Shared.path("fixtures/models/" + name); }

    /** Copies a fixture's model files into tmp, with config.json text transformed. */
    static Path copy(String name, Path tmp, java.util.function.UnaryOperator<String> editConfig) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.writeString(d.resolve("config.json"), editConfig.apply(Files.readString(fixture(name).resolve("config.json"))));
        Files.copy(fixture(name).resolve("model.safetensors"), d.resolve("model.safetensors"));
        return d;
    }

    @Test
    void configsAndDefaults() {
        TransformerConfig legacy = ModelLoader.load(fixture("gpt2-tiny-fp16-legacy")).config();
        assertEquals(4 * 48, legacy.dMlp(), "n_inner missing → 4·D");
        assertEquals(TransformerConfig.Activation.GELU_NEW, legacy.act());
        assertTrue(legacy.tiedEmbeddings());
        assertEquals(1 / Math.sqrt(12), legacy.attnScale(), 1e-12, "scaled by sqrt(d_head), not sqrt(d_model)");
        TransformerConfig pythia = ModelLoader.load(fixture("pythia-tiny-parallel")).config();
        assertEquals(4, pythia.rotaryDim());
        assertTrue(pythia.parallelAttnMlp());
        assertEquals(TransformerConfig.Activation.GELU, pythia.act());
        assertFalse(pythia.tiedEmbeddings());
        TransformerConfig gqa = ModelLoader.load(fixture("llama-tiny-gqa")).config();
        assertEquals(2, gqa.nKvHeads());
        assertTrue(gqa.gatedMlp());
        TransformerConfig qwen = ModelLoader.load(fixture("qwen2-tiny")).config();
        assertTrue(qwen.qkvBias() && !qwen.attnOutBias() && qwen.tiedEmbeddings());
        assertEquals(1e6, qwen.rotaryBase());
    }

    @Test
    void missingKeysTakeHfDefaults(@TempDir Path tmp) throws Exception {
        // Drop the optional keys of a modern Llama config: defaults must reproduce the same model.
        Path d = copy("llama-tiny-tied", tmp, s -> s.replace("\"attention_bias\": false,", "").replace("\"hidden_act\": \"silu\",", "")
                .replace("\"rope_theta\": 10000.0,", "").replace("\"mlp_bias\": false,", ""));
        Transformer m = ModelLoader.load(d);
        assertEquals(10000, m.config().rotaryBase());
        assertEquals(TransformerConfig.Activation.SILU, m.config().act());
        // eps left explicit (1e-6 = the default anyway)
        assertEquals(1e-6, m.config().eps());
    }

    @Test
    void configErrorsNameTheKeyAndFile(@TempDir Path tmp) throws Exception {
        Path noLayers = copy("gpt2-tiny", tmp.resolve("a"), s -> s.replace("\"n_layer\": 2,", ""));
        ConfigException e = assertThrows(ConfigException.class, () -> ModelLoader.load(noLayers));
        assertTrue(e.getMessage().contains("n_layer") && e.getMessage().contains("config.json"), e.getMessage());
        Path mistyped = copy("gpt2-tiny", tmp.resolve("b"), s -> s.replace("\"n_head\": 4", "\"n_head\": \"four\""));
        e = assertThrows(ConfigException.class, () -> ModelLoader.load(mistyped));
        assertTrue(e.getMessage().contains("n_head"), e.getMessage());
        Path unknown = copy("gpt2-tiny", tmp.resolve("c"), s -> s.replace("GPT2LMHeadModel", "BertModel").replace("\"gpt2\"", "\"bert\""));
        e = assertThrows(ConfigException.class, () -> ModelLoader.load(unknown));
        assertTrue(e.getMessage().contains("BertModel"), e.getMessage());
        Path byType = copy("gpt2-tiny", tmp.resolve("d"), s -> s.replace("\"GPT2LMHeadModel\"", "\"SomethingElse\""));
        assertEquals(2, ModelLoader.load(byType).config().nLayers(), "falls back to model_type");
        Path badJson = copy("gpt2-tiny", tmp.resolve("e"), s -> s.substring(0, 40));
        assertThrows(ConfigException.class, () -> ModelLoader.load(badJson));
        Path badAct = copy("neox-tiny-sequential", tmp.resolve("f"), s -> s.replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"gelu_fast\""));
        e = assertThrows(ConfigException.class, () -> ModelLoader.load(badAct));
        assertTrue(e.getMessage().contains("gelu_fast"), e.getMessage());
        assertThrows(ConfigException.class, () -> ModelLoader.load(tmp.resolve("nope")));
    }

    @Test
    void weightErrors(@TempDir Path tmp) throws Exception {
        // A config that disagrees with the tensors: shape check.
        Path wrongShape = copy("gpt2-tiny", tmp.resolve("a"), s -> s.replace("\"n_inner\": null", "\"n_inner\": 128"));
        FormatException e = assertThrows(FormatException.class, () -> ModelLoader.load(wrongShape));
        assertTrue(e.getMessage().contains("c_fc.weight") && e.getMessage().contains("[64, 256]"), e.getMessage());
        // Fewer layers in the config than in the file: count check names a leftover tensor.
        Path fewer = copy("llama-tiny-gqa", tmp.resolve("b"), s -> s.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1"));
        e = assertThrows(FormatException.class, () -> ModelLoader.load(fewer));
        assertTrue(e.getMessage().contains("not used") && e.getMessage().contains("model.layers.1."), e.getMessage());
        // An extra unknown tensor is an error; a known buffer name is skipped.
        Path extra = copy("gpt2-tiny", tmp.resolve("c"), s -> s);
        rewriteWith(extra, "transformer.h.0.attn.rotary_emb.inv_freq_extra");
        assertThrows(FormatException.class, () -> ModelLoader.load(extra));
        Path buffer = copy("gpt2-tiny", tmp.resolve("d"), s -> s);
        rewriteWith(buffer, "transformer.h.0.attn.masked_bias");
        assertEquals(2, ModelLoader.load(buffer).config().nLayers());
        Path noWeights = Files.createDirectories(tmp.resolve("e"));
        Files.copy(fixture("gpt2-tiny").resolve("config.json"), noWeights.resolve("config.json"));
        LoupeException le = assertThrows(LoupeException.class, () -> ModelLoader.load(noWeights));
        assertTrue(le.getMessage().contains("model.safetensors"), le.getMessage());
    }

    /** Rewrites dir/model.safetensors with one extra 1-element tensor named {@code extraName}. */
    static void rewriteWith(Path dir, String extraName) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        try (SafeTensors st = SafeTensors.open(dir.resolve("model.safetensors"))) {
            for (String n : st.entries().keySet()) w.add(n, st.tensor(n));
        }
        w.add(extraName, new dev.loupe.tensor.Tensor(new float[]{-1e4f}));
        w.write(dir.resolve("model.safetensors"));
    }

    @Test
    void tokenizerNextToModel(@TempDir Path tmp) throws Exception {
        Path bin = Shared.path("models/stories260K/stories260K.bin");
        assertEquals("tok512.bin", ModelLoader.tokenizerNextTo(bin).getFileName().toString());
        assertThrows(ConfigException.class, () -> ModelLoader.tokenizerNextTo(fixture("gpt2-tiny")), "fixtures have no tokenizer");
        Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        assertEquals(tmp.resolve("tokenizer.json"), ModelLoader.tokenizerNextTo(tmp));
        Path two = Files.createDirectories(tmp.resolve("two"));
        Files.write(two.resolve("m.bin"), new byte[4]);
        Files.write(two.resolve("tok1.bin"), new byte[4]);
        Files.write(two.resolve("tok2.bin"), new byte[4]);
        assertThrows(ConfigException.class, () -> ModelLoader.tokenizerNextTo(two.resolve("m.bin")));
    }

    @Test
    void hfConfigTypedGetters() {
        HfConfig c = HfConfig.parse("{\"a\": 3, \"b\": 2.5, \"c\": true, \"d\": \"x\", \"n\": null, \"architectures\": [\"X\"]}", Path.of("cfg.json"));
        assertEquals(3, c.getInt("a"));
        assertEquals(2.5, c.getDouble("b"));
        assertEquals(3.0, c.getDouble("a"));
        assertTrue(c.getBool("c", false));
        assertEquals("x", c.getString("d"));
        assertEquals(7, c.getInt("n", 7), "null counts as missing");
        assertEquals("X", c.architecture());
        assertThrows(ConfigException.class, () -> c.getInt("b"));
        assertThrows(ConfigException.class, () -> c.getBool("a", false));
        assertThrows(ConfigException.class, () -> c.getString("missing"));
    }
}
