package dev.loupe.tokenizer;

import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-built tokenizer.json cases, loader errors, and the helper API around the HF fixtures. */
class HfTokenizerTest {
    @TempDir Path tmp;

    private Path json(String preTokenizer, String modelExtra, String vocab, String merges) throws Exception {
        Path f = tmp.resolve("tokenizer.json");
        Files.writeString(f, """
                {"version": "1.0", "added_tokens": [], "normalizer": null, "pre_tokenizer": %s,
                 "post_processor": null, "decoder": {"type": "Fuse"},
                 "model": {"type": "BPE", %s "vocab": %s, "merges": %s}}
                """.formatted(preTokenizer, modelExtra, vocab, merges));
        return f;
    }

    @Test
    void lowestRankMergeWinsWhateverItsPosition() throws Exception {
        // "abc": "b c" has rank 0, "a b" rank 1 → [a, bc], not [ab, c]. Hand-computed.
        Tokenizer t = Tokenizers.load(json("null", "", """
                {"a": 0, "b": 1, "c": 2, "ab": 3, "bc": 4}""", """
                ["b c", "a b"]"""));
        assertArrayEquals(new int[]{0, 4}, t.encode("abc", false));
        // Equal pairs: "a a" merges leftmost first: "aaa" → [aa, a].
        Tokenizer u = Tokenizers.load(json("null", "", """
                {"a": 0, "aa": 1}""", """
                [["a", "a"]]"""));
        assertArrayEquals(new int[]{1, 0}, u.encode("aaa", false));
        assertEquals("aaa", u.decode(new int[]{1, 0}, false));
    }

    /**
     * HF matches normalized added tokens by their normalized spelling in the normalized text (its
     * AddedVocabulary docs: "Yesterday" matches after a lowercasing normalizer) and the others on the
     * raw text only. Hand-computed: "aABb" lowercases to "aabb"; "ab" at index 1 is the added token.
     */
    @Test
    void normalizedAddedTokensMatchAfterNormalization() throws Exception {
        String file = """
                {"added_tokens": [
                   {"id": 2, "content": "AB", "special": false, "normalized": true, "lstrip": false, "rstrip": false, "single_word": false},
                   {"id": 3, "content": "<X>", "special": true, "normalized": false, "lstrip": false, "rstrip": false, "single_word": false}],
                 "normalizer": {"type": "Lowercase"}, "pre_tokenizer": null, "post_processor": null, "decoder": {"type": "Fuse"},
                 "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "<": 4, "x": 5, ">": 6}, "merges": []}}""";
        Tokenizer t = Tokenizers.load(Files.writeString(tmp.resolve("tokenizer.json"), file));
        assertArrayEquals(new int[]{0, 2, 1}, t.encode("aABb", false));
        assertArrayEquals(new int[]{3, 4, 5, 6}, t.encode("<X><x>", false));   // only the raw spelling is the special token
        assertEquals("<X>aABb", t.decode(new int[]{3, 0, 2, 1}, false));
        assertEquals("aABb", t.decode(new int[]{3, 0, 2, 1}, true));
    }

    /** Later Llama-3 files wrap TemplateProcessing in a Sequence with ByteLevel; Roberta adds cls … sep. */
    @Test
    void postProcessorSequenceAndRobertaAddTheirTokens() throws Exception {
        String template = """
                {"type": "Sequence", "processors": [
                  {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
                  {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                   "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [9], "tokens": ["<s>"]}}}]}""";
        String roberta = """
                {"type": "RobertaProcessing", "sep": ["</s>", 8], "cls": ["<s>", 9], "trim_offsets": true, "add_prefix_space": false}""";
        for (String[] c : new String[][]{{template, "[9, 0, 1]"}, {roberta, "[9, 0, 1, 8]"}}) {
            String file = """
                    {"added_tokens": [], "normalizer": null, "pre_tokenizer": null, "post_processor": %s, "decoder": null,
                     "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "</s>": 8, "<s>": 9}, "merges": []}}""".formatted(c[0]);
            Tokenizer t = Tokenizers.load(Files.writeString(tmp.resolve("tokenizer.json"), file));
            assertEquals(c[1], java.util.Arrays.toString(t.encode("ab", true)));
            assertArrayEquals(new int[]{0, 1}, t.encode("ab", false));
            assertEquals(OptionalInt.of(9), t.bosId());
        }
    }

    @Test
    void missingCharacterWithoutUnkOrFallbackIsDroppedAsHfDoes() throws Exception {
        Tokenizer t = Tokenizers.load(json("null", "", "{\"a\": 0}", "[]"));
        assertArrayEquals(new int[]{0, 0}, t.encode("axa", false));
    }

    @Test
    void unsupportedComponentsAreNamed() throws Exception {
        Path meta = json("{\"type\": \"Metaspace\", \"replacement\": \"▁\"}", "", "{\"a\": 0}", "[]");
        FormatException e = assertThrows(FormatException.class, () -> Tokenizers.load(meta));
        assertTrue(e.getMessage().contains("pre_tokenizer type 'Metaspace' is not supported"), e.getMessage());

        Path drop = json("null", "\"dropout\": 0.1,", "{\"a\": 0}", "[]");
        e = assertThrows(FormatException.class, () -> Tokenizers.load(drop));
        assertTrue(e.getMessage().contains("model.dropout"), e.getMessage());

        Path badMerge = json("null", "", "{\"a\": 0}", "[\"a b\"]");
        e = assertThrows(FormatException.class, () -> Tokenizers.load(badMerge));
        assertTrue(e.getMessage().contains("model.merges[0]"), e.getMessage());

        Path wordPiece = tmp.resolve("wp.json");
        Files.writeString(wordPiece, "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}");
        e = assertThrows(FormatException.class, () -> Tokenizers.load(wordPiece));
        assertTrue(e.getMessage().contains("model type 'WordPiece' is not supported"), e.getMessage());
    }

    @Test
    void loadRejectsWhatIsNotATokenizer() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> Tokenizers.load(tmp.resolve("nope.json")));
        assertTrue(e.getMessage().contains("nope.json"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> Tokenizers.load(tmp));
        assertTrue(e.getMessage().contains("no tokenizer.json"), e.getMessage());
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello");
        e = assertThrows(ConfigException.class, () -> Tokenizers.load(text));
        assertTrue(e.getMessage().contains("not a tokenizer"), e.getMessage());
        Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"model\": ");
        FormatException f = assertThrows(FormatException.class, () -> Tokenizers.load(broken));
        assertTrue(f.getMessage().contains("broken.json"), f.getMessage());
    }

    @Test
    void byteLevelAlphabetIsGpt2s() {
        char[] map = ByteLevel.bytesToUnicode();
        Set<Character> distinct = new HashSet<>();
        for (char c : map) distinct.add(c);
        assertEquals(256, distinct.size());
        assertEquals('!', map['!']);
        assertEquals('\u0120', map[' ']);   // Ġ
        assertEquals('\u010A', map['\n']);  // Ċ
        assertEquals('\u0143', map[0xAD]);  // Ń: soft hyphen is the last non-printable byte
        for (int b = 0; b < 256; b++) assertEquals(b, ByteLevel.charToByte(map[b]));
        assertEquals("ĠhÃ©", ByteLevel.encode(" hé"));
    }

    @Test
    void displayTokenShowsTextAndLoneBytes() {
        Tokenizer gpt2 = FixtureTokenizers.get("gpt2");
        assertEquals(" hello", gpt2.displayToken(gpt2.encode(" hello", false)[0]));
        int ellipsisFirstByte = ((HfTokenizer) gpt2).tokenId("â").orElseThrow();   // byte 0xE2 alone
        assertEquals("<0xE2>", gpt2.displayToken(ellipsisFirstByte));
        assertEquals("\\n", gpt2.displayToken(198));                         // Ċ
        assertEquals("<|endoftext|>", gpt2.displayToken(50256));

        Tokenizer llama2 = FixtureTokenizers.get("llama2");
        assertEquals(" Hello", llama2.displayToken(22557));                  // ▁Hello, Strip not applied
        assertEquals("\\n", llama2.displayToken(13));                        // <0x0A>
        assertEquals("<0xE2>", llama2.displayToken(3 + 0xE2));
        assertEquals("<s>", llama2.displayToken(1));
        assertEquals("  ", FixtureTokenizers.get("gemma3").displayToken(138));   // added token "▁▁", decoded like any other
    }

    @Test
    void bosAndEosComeFromTheConfigOrTheTemplate() {
        assertEquals(OptionalInt.of(50256), FixtureTokenizers.get("gpt2").bosId());
        assertEquals(OptionalInt.of(50256), FixtureTokenizers.get("gpt2").eosId());
        assertEquals(OptionalInt.of(1), FixtureTokenizers.get("llama2").bosId());
        assertEquals(OptionalInt.of(2), FixtureTokenizers.get("llama2").eosId());
        assertEquals(OptionalInt.of(128000), FixtureTokenizers.get("llama3").bosId());
        assertEquals(OptionalInt.empty(), FixtureTokenizers.get("qwen3").bosId());
        assertEquals(OptionalInt.of(151645), FixtureTokenizers.get("qwen3").eosId());
        assertEquals(OptionalInt.of(2), FixtureTokenizers.get("gemma3").bosId());
        assertEquals(OptionalInt.of(106), FixtureTokenizers.get("gemma3").eosId());   // <end_of_turn> per tokenizer_config.json
        assertEquals(262145, FixtureTokenizers.get("gemma3").vocabSize());
        assertEquals(151669, FixtureTokenizers.get("qwen3").vocabSize());
    }

    @Test
    void outOfRangeIdIsAConfigError() {
        Tokenizer gpt2 = FixtureTokenizers.get("gpt2");
        ConfigException e = assertThrows(ConfigException.class, () -> gpt2.decode(new int[]{50257}, false));
        assertTrue(e.getMessage().contains("50257"), e.getMessage());
    }
}
