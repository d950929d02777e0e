package dev.loupe.tokenizer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.testutil.Shared;
import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class BpeTrainerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test void handComputedMergesWithTieBreak(@TempDir Path dir) throws IOException {
        // "aaabdaaabac": counts aa 4, ab 2, … → merge aa; then (aa,a) and (a,b) tie at 2 → (a,b) has the
        // smaller left id (97 < 256); then (aa, ab) occurs twice → "aaab".
        var t = new BpeTrainer(260);
        t.add("aaabdaaabac");
        BpeModel m = t.train(null);
        assertEquals(260, m.vocabSize());
        assertEquals(259, m.endOfTextId());
        m.write(dir);
        JsonNode root = JSON.readTree(dir.resolve("tokenizer.json").toFile());
        List<String> merges = new ArrayList<>();
        root.path("model").path("merges").forEach(x -> merges.add(x.asText()));
        assertEquals(List.of("a a", "a b", "aa ab"), merges);
        assertEquals(258, root.path("model").path("vocab").path("aaab").asInt());
        assertArrayEquals(new int[]{258, 'd', 258, 'a', 'c'}, m.encode("aaabdaaabac"));
    }

    @Test void writesHfTokenizerJsonLayout(@TempDir Path dir) throws IOException {
        var t = new BpeTrainer(300);
        t.add("hello world, hello tokens\n\tspace  ");
        BpeModel m = t.train(null);
        m.write(dir);
        JsonNode root = JSON.readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals("1.0", root.path("version").asText());
        assertEquals("BPE", root.path("model").path("type").asText());
        for (String part : new String[]{"pre_tokenizer", "post_processor", "decoder"})
            assertEquals("ByteLevel", root.path(part).path("type").asText(), part);
        assertFalse(root.path("pre_tokenizer").path("add_prefix_space").asBoolean());
        JsonNode added = root.path("added_tokens").get(0);
        assertEquals("<|endoftext|>", added.path("content").asText());
        assertTrue(added.path("special").asBoolean());
        assertEquals(m.endOfTextId(), added.path("id").asInt());
        JsonNode vocab = root.path("model").path("vocab");
        assertEquals(m.vocabSize() - 1, vocab.size());
        assertEquals(32, vocab.path("Ġ").asInt());     // byte 0x20 in GPT-2's byte alphabet
        assertEquals(10, vocab.path("Ċ").asInt());     // '\n'
        assertEquals(33, vocab.path("!").asInt());
        BpeModel back = BpeModel.read(dir.resolve("tokenizer.json"));
        String s = "hello tokens, world";
        assertArrayEquals(m.encode(s), back.encode(s));
        assertTrue(Files.exists(dir.resolve("tokenizer_config.json")));
    }

    /** Our pre-tokeniser regex and merge algorithm reproduce HF tokenizers' gpt2 ids on all 133 fixture strings. */
    @Test void encodesLikeHfGpt2() throws IOException {
        BpeModel gpt2 = BpeModel.read(Shared.path("tokenizers/gpt2/tokenizer.json"));
        assertEquals(50257, gpt2.vocabSize());
        int n = 0;
        for (String line : Files.readAllLines(Shared.path("tokenizers/gpt2/expected.jsonl"))) {
            JsonNode c = JSON.readTree(line);
            String text = c.path("text").asText();
            int[] want = new int[c.path("ids").size()];
            for (int i = 0; i < want.length; i++) want[i] = c.path("ids").get(i).asInt();
            assertArrayEquals(want, gpt2.encode(text), "ids of " + c.path("text"));
            assertEquals(c.path("decoded").asText(), gpt2.decode(want), "decoded " + c.path("text"));
            n++;
        }
        assertEquals(133, n);
    }

    @Test void roundTripsHeldOutTextAndIgnoresDocumentOrder(@TempDir Path a, @TempDir Path b) throws IOException {
        var r = new Random(3);
        List<String> docs = new ArrayList<>();
        String[] words = {"public", "static", "void", "int", "return", "final", "class", "String", "(", ")", "{", "}", ";", "\n", "    ", "é", "数据", "//", "x1", "42"};
        for (int d = 0; d < 60; d++) {
            var sb = new StringBuilder();
            for (int i = 0; i < 200; i++) sb.append(words[r.nextInt(words.length)]).append(r.nextInt(3) == 0 ? "" : " ");
            docs.add(sb.toString());
        }
        List<String> train = docs.subList(0, 50), held = docs.subList(50, 60);
        var t1 = new BpeTrainer(400);
        train.forEach(t1::add);
        BpeModel m = t1.train(null);
        List<String> shuffled = new ArrayList<>(train);
        Collections.shuffle(shuffled, new Random(1));
        var t2 = new BpeTrainer(400);
        shuffled.forEach(t2::add);
        m.write(a);
        t2.train(null).write(b);
        assertEquals(Files.readString(a.resolve("tokenizer.json")), Files.readString(b.resolve("tokenizer.json")));
        long bytes = 0, tokens = 0;
        for (String h : held) {
            int[] ids = m.encode(h);
            assertEquals(h, m.decode(ids));
            bytes += h.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            tokens += ids.length;
        }
        assertTrue(tokens * 3 < bytes, "merges should compress repetitive text: " + tokens + " tokens for " + bytes + " bytes");
        String special = "end<|endoftext|>start";
        var expected = java.util.stream.IntStream.concat(java.util.stream.IntStream.concat(
                java.util.Arrays.stream(m.encode("end")), java.util.stream.IntStream.of(m.endOfTextId())), java.util.Arrays.stream(m.encode("start")));
        assertArrayEquals(expected.toArray(), m.encode(special));
        assertEquals(special, m.decode(m.encode(special)));
    }

    @Test void rejectsTooSmallVocab() {
        var e = assertThrows(ConfigException.class, () -> new BpeTrainer(100));
        assertTrue(e.getMessage().contains("257"), e.getMessage());
    }
}
