package dev.loupe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** train-tokenizer → train-lm end to end on a tiny text directory, and their error paths. */
class LmCommandsTest {
    static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[]{String.valueOf(code), out.toString(), err.toString()};
    }

    @Test void trainsTokenizerThenModel(@TempDir Path dir) throws Exception {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        for (int i = 0; i < 40; i++) {
            Files.writeString(corpus.resolve("doc" + i + ".txt"), ("public static void main" + i + "(String[] args) { return; }\n").repeat(20));
        }
        String[] t = run("train-tokenizer", "--corpus", corpus.toString(), "--vocab-size", "300", "--held-out", "0.1", "--out", dir.resolve("tok").toString());
        assertEquals("0", t[0], t[2]);
        assertTrue(t[1].contains("round trip exact"), t[1]);
        String[] l = run("train-lm", "--corpus", corpus.toString(), "--tokenizer", dir.resolve("tok").toString(), "--held-out", "0.1",
                "--layers", "1", "--d-model", "16", "--d-mlp", "32", "--heads", "2", "--context", "16", "--batch", "4",
                "--tokens", "640", "--warmup", "2", "--log-every", "5", "--out", dir.resolve("lm").toString());
        assertEquals("0", l[0], l[2]);
        assertTrue(l[1].contains("held-out loss"), l[1]);
        for (String f : new String[]{"config.json", "model.safetensors", "tokenizer.json", "train_config.json", "provenance.json", "train_result.json", "checkpoint.safetensors"})
            assertTrue(Files.exists(dir.resolve("lm").resolve(f)), f);
        var cfg = new ObjectMapper().readTree(dir.resolve("lm/config.json").toFile());
        assertEquals(300, cfg.path("vocab_size").asInt());
        assertEquals("relu", cfg.path("activation_function").asText());
        assertEquals(10, new ObjectMapper().readTree(dir.resolve("lm/train_result.json").toFile()).path("steps").asInt());
        assertEquals(64, new ObjectMapper().readTree(dir.resolve("lm/provenance.json").toFile()).path("tokenizer_sha256").asText().length());
        String[] again = run("train-lm", "--corpus", corpus.toString(), "--tokenizer", dir.resolve("tok").toString(), "--held-out", "0.1",
                "--layers", "1", "--d-model", "16", "--d-mlp", "32", "--heads", "2", "--context", "16", "--batch", "4",
                "--tokens", "640", "--out", dir.resolve("lm").toString());
        assertEquals("2", again[0]);
        assertTrue(again[2].contains("--resume"), again[2]);
    }

    @Test void clearErrors(@TempDir Path dir) {
        String[] r = run("train-lm", "--tokenizer", dir.resolve("nope").toString(), "--out", dir.resolve("o").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("loupe: ") && r[2].contains("has no tokenizer.json"), r[2]);
        r = run("train-lm", "--tokenizer", dir.toString(), "--out", dir.toString(), "--threads", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--threads"), r[2]);
        r = run("train-tokenizer", "--corpus", dir.resolve("missing").toString(), "--vocab-size", "300", "--out", dir.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("does not exist"), r[2]);
        r = run("train-tokenizer", "--corpus", dir.toString(), "--vocab-size", "10", "--out", dir.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("vocab size"), r[2]);
    }
}
