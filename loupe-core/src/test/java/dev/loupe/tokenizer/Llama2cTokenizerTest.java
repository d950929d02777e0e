package dev.loupe.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.testutil.Shared;
import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class Llama2cTokenizerTest {

    /**
     * reference-greedy.json records 64 ids sampled after BOS and their text (decoded by an
     * independent implementation). Decoding must give that text, with or without the BOS in front;
     * encoding the text (no BOS/EOS) must give back exactly those 64 ids (greedy output happens to be
     * the canonical tokenization for both fixtures), and with special tokens, BOS + ids + EOS.
     */
    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "aidreams260K"})
    void decodesAndReencodesTheGreedyReference(String model) throws Exception {
        Path dir = Shared.path("models", model);
        Tokenizer tok = Tokenizers.load(dir.resolve("tok512.bin"));
        assertInstanceOf(Llama2cTokenizer.class, tok);
        assertEquals(512, tok.vocabSize());
        JsonNode ref = new ObjectMapper().readTree(dir.resolve("reference-greedy.json").toFile());
        int[] ids = new int[ref.get("greedy_token_ids").size()];
        for (int i = 0; i < ids.length; i++) ids[i] = ref.get("greedy_token_ids").get(i).asInt();
        assertEquals(64, ids.length);
        String text = ref.get("greedy_text").asText();

        assertEquals(text, tok.decode(ids, false));
        int[] withBos = new int[ids.length + 1];
        withBos[0] = 1;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        assertEquals(text, tok.decode(withBos, true));
        assertEquals("\n<s>\n" + text, tok.decode(withBos, false));

        assertArrayEquals(ids, tok.encode(text, false));
        int[] special = tok.encode(text, true);
        assertEquals(1, special[0]);
        assertEquals(ids.length + 1, special.length, "BOS only, no EOS, as run.c encodes prompts");
    }

    @Test
    void stories260KPiecesMatchTheRecordedTop5() throws Exception {
        Path dir = Shared.path("models", "stories260K");
        Tokenizer tok = Tokenizers.load(dir.resolve("tok512.bin"));
        JsonNode top = new ObjectMapper().readTree(dir.resolve("reference-greedy.json").toFile()).get("pos0_top5");
        for (JsonNode e : top) assertEquals(e.get("piece").asText(), tok.tokenString(e.get("id").asInt()));
        assertEquals("<0x0A>", tok.tokenString(13));
        assertArrayEquals(new byte[]{'\n'}, tok.tokenBytes(13));
        assertEquals("\\n", tok.displayToken(13));
        assertEquals("\\n<s>\\n", tok.displayToken(1));
    }

    /** Hand-built vocab: ties between equal-score merges go to the leftmost pair, as in run.c. */
    @Test
    void greedyMergeIsLeftmostOnTiesAndFallsBackToBytes(@TempDir Path tmp) throws Exception {
        // ids 259.. : " " "a" "b" "ab"(-1) "ba"(-1) " a"(-5)
        Path file = writeVocab(tmp.resolve("tok.bin"), new String[]{" ", "a", "b", "ab", "ba", " a"},
                new float[]{0, 0, 0, -1, -1, -5});
        Llama2cTokenizer tok = Llama2cTokenizer.load(file);
        // " aba": pairs " a"(-5) "ab"(-1) "ba"(-1) → leftmost best "ab" → [" ", "ab", "a"]; " ab" is not in the vocab.
        assertArrayEquals(new int[]{259, 262, 260}, tok.encode("aba", false));
        // "é" is missing: its UTF-8 bytes C3 A9 become ids 0xC3+3, 0xA9+3.
        assertArrayEquals(new int[]{259, 0xC3 + 3, 0xA9 + 3}, tok.encode("é", false));
        assertEquals("é", tok.decode(tok.encode("é", false), false));
        assertArrayEquals(new int[]{1}, tok.encode("", true));
        assertEquals("aba", tok.decode(new int[]{1, 259, 262, 260}, true));
        assertEquals("a aba", tok.decode(new int[]{260, 259, 262, 260}, true));   // only the first token loses its space
    }

    /** The priority-queue merge must pick the same pairs as run.c's rescan-everything loop (re-implemented here). */
    @Test
    void encodeAgreesWithRunCsGreedyLoopOnRandomText() {
        Llama2cTokenizer tok = Llama2cTokenizer.load(Shared.path("models", "stories260K", "tok512.bin"));
        java.util.Random rnd = new java.util.Random(42);
        String alphabet = "aeiou tnsrhld  .,!\nLOé🙂";
        for (int trial = 0; trial < 300; trial++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(60);
            for (int i = 0; i < len; i++) sb.appendCodePoint(alphabet.codePoints().toArray()[rnd.nextInt((int) alphabet.codePoints().count())]);
            String text = sb.toString();
            assertArrayEquals(runCEncode(tok, text), tok.encode(text, false), text);
            assertEquals(text, tok.decode(tok.encode(text, true), true), text);
        }
    }

    /** run.c encode(): dummy prefix, per-character lookup with byte fallback, then the O(n²) best-pair loop. */
    private static int[] runCEncode(Llama2cTokenizer tok, String text) {
        java.util.Map<String, Integer> lookup = new java.util.HashMap<>();
        for (int id = tok.vocabSize() - 1; id >= 0; id--) lookup.put(tok.tokenString(id), id);
        java.util.List<Integer> t = new java.util.ArrayList<>();
        String withPrefix = text.isEmpty() ? "" : " " + text;
        withPrefix.codePoints().forEach(cp -> {
            String ch = new String(Character.toChars(cp));
            if (lookup.containsKey(ch)) t.add(lookup.get(ch));
            else for (byte b : ch.getBytes(StandardCharsets.UTF_8)) t.add((b & 0xFF) + 3);
        });
        while (true) {
            float best = -1e10f;
            int bestIdx = -1, bestId = -1;
            for (int i = 0; i + 1 < t.size(); i++) {
                Integer id = lookup.get(tok.tokenString(t.get(i)) + tok.tokenString(t.get(i + 1)));
                if (id != null && tok.score(id) > best) { best = tok.score(id); bestIdx = i; bestId = id; }
            }
            if (bestIdx < 0) break;
            t.set(bestIdx, bestId);
            t.remove(bestIdx + 1);
        }
        return t.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void truncatedFileIsAFormatError(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("bad.bin");
        Files.write(file, new byte[]{16, 0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 0});
        FormatException e = assertThrows(FormatException.class, () -> Llama2cTokenizer.load(file));
        assertTrue(e.getMessage().contains("bad.bin") && e.getMessage().contains("entry 0"), e.getMessage());
    }

    /** unk, BOS, EOS, 256 byte tokens, then {@code extra} with their scores, in llama2.c layout. */
    static Path writeVocab(Path file, String[] extra, float[] scores) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        out.write(b.putInt(0, 16).array(), 0, 4);
        java.util.List<String> pieces = new java.util.ArrayList<>(java.util.List.of("<unk>", "\n<s>\n", "\n</s>\n"));
        for (int i = 0; i < 256; i++) pieces.add(String.format("<0x%02X>", i));
        java.util.List<Float> s = new java.util.ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) s.add(0f);
        for (int i = 0; i < extra.length; i++) { pieces.add(extra[i]); s.add(scores[i]); }
        for (int i = 0; i < pieces.size(); i++) {
            byte[] p = pieces.get(i).getBytes(StandardCharsets.UTF_8);
            b.clear();
            b.putFloat(s.get(i)).putInt(p.length);
            out.write(b.array(), 0, 8);
            out.write(p);
        }
        Files.write(file, out.toByteArray());
        return file;
    }
}
