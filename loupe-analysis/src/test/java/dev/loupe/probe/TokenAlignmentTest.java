// Token <-> character alignment on the two tokenizer families Loupe ships: byte-level BPE
// (models/loupe-1l, GPT-2 style) and llama2.c SentencePiece (stories260K, dummy prefix space).
package dev.loupe.probe;

import dev.loupe.testutil.Shared;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class TokenAlignmentTest {
    static final Path LOUPE_1L = Path.of("..", "models", "loupe-1l");

    @Test
    void byteLevelTokensTileTheTextAndSplitCharactersShareIt() {
        Tokenizer tok = Tokenizers.load(LOUPE_1L);
        String text = "/** Returns the size. */\n    int size() { return \"é→😀\".length(); }";
        TokenAlignment.Aligned a = TokenAlignment.align(tok, text);
        assertArrayEquals(tok.encode(text, false), a.ids());
        int prevEnd = 0;
        for (int i = 0; i < a.size(); i++) {
            String piece = new String(tok.tokenBytes(a.ids()[i]), StandardCharsets.UTF_8);
            assertTrue(a.start()[i] <= prevEnd && a.start()[i] >= prevEnd - 2, "token " + i + " starts where the previous ended (or inside its split character)");
            if (!piece.contains("\uFFFD"))   // a whole-character token spells exactly its range
                assertEquals(piece, text.substring(a.start()[i], a.end()[i]), "token " + i);
            prevEnd = a.end()[i];
        }
        assertEquals(text.length(), prevEnd);
        // the multi-byte characters: every token touching them covers them whole
        int emoji = text.indexOf("😀");
        for (int i = 0; i < a.size(); i++)
            if (a.start()[i] <= emoji && a.end()[i] > emoji) assertTrue(a.end()[i] >= emoji + 2, "a token holding part of the emoji covers both of its chars");
    }

    @Test
    void sentencePieceDummyPrefixIsNotPartOfTheText() {
        Tokenizer tok = Tokenizers.load(Shared.path("models", "stories260K", "tok512.bin"));
        String text = "Once upon a time, Lily said \"hi\".";
        TokenAlignment.Aligned a = TokenAlignment.align(tok, text);
        assertEquals(" Once", new String(tok.tokenBytes(a.ids()[0]), StandardCharsets.UTF_8));   // the prefix space belongs to token 0
        assertEquals(0, a.start()[0]);
        assertEquals(4, a.end()[0]);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < a.size(); i++) joined.append(text, a.start()[i], a.end()[i]);
        assertEquals(text, joined.toString());
        int lily = text.indexOf("Lily");
        int hit = -1;
        for (int i = 0; i < a.size(); i++) if (a.end()[i] - 1 >= lily && a.end()[i] - 1 < lily + 4) hit = i;
        assertTrue(hit >= 0 && new String(tok.tokenBytes(a.ids()[hit]), StandardCharsets.UTF_8).contains("ly"), Arrays.toString(a.ids()));
    }

    @Test
    void aTokenizerThatDoesNotSpellTheTextIsRefused() {
        Tokenizer base = Tokenizers.load(LOUPE_1L);
        Tokenizer lower = new Tokenizer() {   // a normalising tokenizer: encodes the lower-cased text
            public int[] encode(String t, boolean s) { return base.encode(t.toLowerCase(), s); }
            public String decode(int[] ids, boolean s) { return base.decode(ids, s); }
            public int vocabSize() { return base.vocabSize(); }
            public String tokenString(int id) { return base.tokenString(id); }
            public byte[] tokenBytes(int id) { return base.tokenBytes(id); }
            public java.util.OptionalInt bosId() { return base.bosId(); }
            public java.util.OptionalInt eosId() { return base.eosId(); }
        };
        ConfigException e = assertThrows(ConfigException.class, () -> TokenAlignment.align(lower, "Hello World"));
        assertTrue(e.getMessage().contains("cannot be aligned"), e.getMessage());
    }
}
