package dev.loupe.cli;

import dev.loupe.io.SafeTensors;
import dev.loupe.testutil.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe forward} and {@code loupe generate} end to end, in-process, against the shared fixtures. */
class ModelCommandsTest {
    @Test
    void forwardWritesLogitsHooksAndLoss(@TempDir Path tmp) {
        Path dir = Shared.path("fixtures/models/gpt2-tiny");
        long[] ids;
        float[] expLogits, expResid;
        double expLoss;
        try (SafeTensors e = SafeTensors.open(dir.resolve("expected.safetensors"))) {
            ids = e.longs("seq1.input_ids");
            expLogits = e.tensor("seq1.logits").data();
            expResid = e.tensor("seq1.blocks.1.hook_resid_mid").data();
            expLoss = e.scalarDouble("seq1.loss");
        }
        String tokens = Arrays.stream(ids).mapToObj(Long::toString).collect(Collectors.joining(","));
        Path out = tmp.resolve("acts.safetensors");
        String[] r = MainTest.run("forward", "--model", dir.toString(), "--tokens", tokens,
                "--hooks", "blocks.1.hook_resid_mid, blocks.0.attn.hook_pattern", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("2 hook(s)"), r[1]);
        try (SafeTensors st = SafeTensors.open(out)) {
            assertEquals(Arrays.toString(new long[]{20, 256}), Arrays.toString(st.entry("logits").shape()));
            assertEquals(Arrays.toString(new long[]{4, 20, 20}), Arrays.toString(st.entry("blocks.0.attn.hook_pattern").shape()));
            assertEquals(0, st.entry("loss").shape().length);
            assertEquals(expLoss, st.scalarDouble("loss"), 1e-5);
            assertMax(expLogits, st.tensor("logits").data());
            assertMax(expResid, st.tensor("blocks.1.hook_resid_mid").data());
        }
    }

    static void assertMax(float[] e, float[] a) {
        double d = 0, m = 0;
        for (int i = 0; i < e.length; i++) { d = Math.max(d, Math.abs(e[i] - a[i])); m = Math.max(m, Math.abs(e[i])); }
        assertTrue(d / m <= 1e-5, "normalised error " + d / m);
    }

    @Test
    void forwardErrors(@TempDir Path tmp) {
        String model = Shared.path("fixtures/models/gpt2-tiny").toString();
        String[] r = MainTest.run("forward", "--model", model, "--tokens", "1,2", "--hooks", "blocks.0.hook_resid_mdi", "--out", tmp.resolve("x.safetensors").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("blocks.0.hook_resid_mdi") && r[2].contains("closest: blocks.0.hook_resid_mid"), r[2]);
        r = MainTest.run("forward", "--model", model, "--tokens", "1,x", "--out", tmp.resolve("x.safetensors").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("'x'"), r[2]);
        r = MainTest.run("forward", "--model", tmp.resolve("none").toString(), "--tokens", "1", "--out", tmp.resolve("x.safetensors").toString());
        assertEquals("2", r[0], r[2]);
    }

    @Test
    void generateGreedyStories260K() {
        String model = Shared.path("models/stories260K/stories260K.bin").toString();
        String[] r = MainTest.run("generate", "--model", model, "--prompt-tokens", "1", "--max-new", "8", "--greedy");
        assertEquals("0", r[0], r[2]);
        assertEquals("403,407,261,378,432,383,286,261", r[1].trim());   // reference-greedy.json, first 8
        r = MainTest.run("generate", "--model", model, "--prompt-tokens", "1", "--max-new", "600");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("context"), r[2]);
        r = MainTest.run("generate", "--model", model, "--prompt-tokens", "1", "--max-new", "5", "--temperature", "0.9", "--top-p", "0.9", "--seed", "3");
        assertEquals("0", r[0], r[2]);
        String[] again = MainTest.run("generate", "--model", model, "--prompt-tokens", "1", "--max-new", "5", "--temperature", "0.9", "--top-p", "0.9", "--seed", "3");
        assertEquals(r[1], again[1], "seeded sampling is deterministic");
    }

    @Test
    void generateTextWithTokenizerNextToCheckpoint() throws Exception {
        Path dir = Shared.path("models/stories260K");
        var ref = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("reference-greedy.json").toFile());
        int[] refIds = new int[64];
        for (int i = 0; i < 64; i++) refIds[i] = ref.get("greedy_token_ids").get(i).asInt();
        var tok = dev.loupe.tokenizer.Tokenizers.load(dir.resolve("tok512.bin"));
        String prompt = tok.decode(Arrays.copyOf(refIds, 10), true);     // cut at a token boundary
        String[] r = MainTest.run("generate", "--model", dir.resolve("stories260K.bin").toString(), "--prompt", prompt, "--max-new", "12", "--greedy");
        assertEquals("0", r[0], r[2]);
        // greedy continuation of the reference's own prefix is the reference's next 12 tokens
        assertEquals(tok.decode(Arrays.copyOf(refIds, 22), true), r[1].strip());
        r = MainTest.run("generate", "--model", dir.resolve("stories260K.bin").toString(), "--tokenizer", dir.resolve("missing.bin").toString(), "--prompt", "x", "--max-new", "2");
        assertTrue(!r[0].equals("0") && r[2].contains("missing.bin"), r[2]);
    }
}
