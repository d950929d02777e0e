package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.testutil.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** `loupe tokenize` in-process with the gpt2 fixture; expected ids come from HF tokenizers (expected.jsonl). */
class TokenizeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void printsIdsMatchingHfTokenizers(@TempDir Path tmp) throws Exception {
        Path gpt2 = Shared.path("tokenizers", "gpt2");
        List<JsonNode> expected = new ArrayList<>();
        for (String line : Files.readAllLines(gpt2.resolve("expected.jsonl")).subList(0, 40)) expected.add(JSON.readTree(line));
        StringBuilder in = new StringBuilder();
        for (JsonNode e : expected) in.append(JSON.writeValueAsString(JSON.createObjectNode().put("text", e.get("text").asText()))).append('\n');
        Path jsonl = Files.writeString(tmp.resolve("in.jsonl"), in.toString());

        String[] r = MainTest.run("tokenize", "--tokenizer", gpt2.toString(), "--jsonl", jsonl.toString());
        assertEquals("0", r[0], r[2]);
        List<String> out = r[1].lines().toList();
        assertEquals(expected.size(), out.size());
        for (int i = 0; i < out.size(); i++) {
            JsonNode got = JSON.readTree(out.get(i)), want = expected.get(i);
            assertEquals(want.get("text"), got.get("text"), "line " + (i + 1));
            assertEquals(want.get("ids"), got.get("ids"), "line " + (i + 1));
            assertEquals(want.get("ids_with_special"), got.get("ids_with_special"), "line " + (i + 1));
            assertEquals(want.get("decoded"), got.get("decoded"), "line " + (i + 1));
        }
    }

    @Test
    void readsStdinAndNamesTheBadLine() {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream("{\"text\": \"Hello<|endoftext|>world\"}\n{\"text\": oops}\n".getBytes(StandardCharsets.UTF_8)));
            String[] r = MainTest.run("tokenize", "--tokenizer", Shared.path("tokenizers", "gpt2").toString(), "--jsonl", "-");
            assertEquals("3", r[0], r[2]);
            assertEquals(1, r[1].lines().count());
            assertTrue(r[1].contains("\"ids\":[15496,50256,6894]"), r[1]);   // README example, from HF tokenizers
            assertEquals(1, r[2].lines().count(), r[2]);
            assertTrue(r[2].contains("stdin line 2"), r[2]);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void missingTokenizerIsAConfigError(@TempDir Path tmp) {
        String[] r = MainTest.run("tokenize", "--tokenizer", tmp.resolve("none").toString(), "--jsonl", Shared.path("tokenizers", "gpt2", "expected.jsonl").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("none"), r[2]);
    }
}
