package dev.loupe.cli;

import dev.loupe.io.SafeTensorsWriter;
import dev.loupe.tensor.Tensor;
import dev.loupe.testutil.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.loupe.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.*;

class InspectCommandTest {
    @Test
    void hfModelDirectory() {
        String[] r = run("inspect", Shared.path("fixtures/models/gpt2-tiny").toString());
        assertEquals("0", r[0], r[2]);
        String o = r[1];
        assertTrue(o.contains("GPT2LMHeadModel"), o);
        assertTrue(o.matches("(?s).*model_type\\s+gpt2\\n.*"), o);
        assertTrue(o.matches("(?s).*n_layer\\s+2\\n.*"), o);
        assertTrue(o.matches("(?s).*tokenizer.json\\s+absent\\n.*"), o);
        // 28 tensors: wte, wpe, 12 per layer × 2, ln_f weight+bias; params by hand = 120,576 F32 (×4 bytes)
        assertTrue(o.matches("(?s).*tensors\\s+28\\n.*"), o);
        assertTrue(o.contains("120,576"), o);
        assertTrue(o.contains("482,304"), o);
        assertTrue(o.contains("F32: 28 tensors"), o);
        assertTrue(o.contains("8 more (use --all"), o);
        assertTrue(o.contains("transformer.h.0.attn.c_attn.weight  F32    [64, 192]"), o);
    }

    @Test
    void allListsEveryTensorAndMixedDtypesAreCounted() {
        String[] r = run("inspect", "--all", Shared.path("fixtures/models/pythia-tiny-parallel/model.safetensors").toString());
        assertEquals("0", r[0], r[2]);
        assertFalse(r[1].contains("more (use --all"), r[1]);
        assertTrue(r[1].contains("gpt_neox.layers.1.attention.masked_bias"), r[1]);
        assertTrue(r[1].contains("BOOL: 2 tensors"), r[1]);
    }

    @Test
    void llama2cCheckpoint() {
        String[] r = run("inspect", Shared.path("models/stories260K/stories260K.bin").toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].matches("(?s).*n_kv_heads\\s+4\\n.*"), r[1]);
        assertTrue(r[1].contains("tied (tok_emb)"), r[1]);
        assertTrue(r[1].contains("260,032"), r[1]); // 264,128 floats minus the 4,096 RoPE table entries
        assertTrue(r[1].contains("1,056,540"), r[1]);
    }

    @Test
    void shardedDirectory(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"LlamaForCausalLM\"],\"model_type\":\"llama\",\"hidden_size\":2}");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        new SafeTensorsWriter().add("a", new Tensor(new float[6], 2, 3)).write(dir.resolve("s1.safetensors"));
        new SafeTensorsWriter().add("b", new Tensor(new float[4], 4), dev.loupe.io.DType.BF16).write(dir.resolve("s2.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}}");
        String[] r = run("inspect", dir.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("LlamaForCausalLM"), r[1]);
        assertTrue(r[1].contains("sharded, 2 files"), r[1]);
        assertTrue(r[1].matches("(?s).*tokenizer.json\\s+present\\n.*"), r[1]);
        assertTrue(r[1].contains("F32: 1 tensors, 6 params, BF16: 1 tensors, 4 params"), r[1]);
        assertTrue(r[1].matches("(?s).*bytes\\s+32\\n.*"), r[1]);
    }

    @Test
    void unknownOrMissingPathIsAOneLineError(@TempDir Path dir) throws IOException {
        Path txt = Files.writeString(dir.resolve("notes.txt"), "hi");
        String[] r = run("inspect", txt.toString());
        assertEquals("3", r[0]);
        assertTrue(r[2].contains("notes.txt") && r[2].contains("cannot tell what this is"), r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        r = run("inspect", dir.resolve("nope").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("no such file"), r[2]);
        Path bad = Files.write(dir.resolve("bad.bin"), new byte[100]);
        r = run("inspect", bad.toString());
        assertEquals("3", r[0]);
        assertTrue(r[2].contains("not a llama2.c checkpoint"), r[2]);
    }
}
