package dev.loupe.corpus;

import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** Windows cut by hand: a tokenizer whose ids are the characters' digits makes every expected window readable. */
class TokenWindowsTest {

    /** "123" → [1, 2, 3]; EOS = 0 (so BOS falls back to it), vocabulary 10. */
    static final Tokenizer DIGITS = new Tokenizer() {
        public int[] encode(String text, boolean add) { return text.chars().map(c -> c - '0').toArray(); }
        public String decode(int[] ids, boolean skip) { return ""; }
        public int vocabSize() { return 10; }
        public String tokenString(int id) { return "" + id; }
        public byte[] tokenBytes(int id) { return new byte[] {(byte) ('0' + id)}; }
        public OptionalInt bosId() { return OptionalInt.empty(); }
        public OptionalInt eosId() { return OptionalInt.of(0); }
    };

    static final List<Document> DOCS = List.of(new Document("a", "1234567"), new Document("b", "89"), new Document("c", "12345"));

    @Test void insideDocumentsWithBosDropsShortTails() {
        var w = TokenWindows.collect(DOCS, DIGITS, TokenWindows.Options.of(4, DIGITS, true), -1);
        // a: [0 1 2 3] [0 4 5 6], tail "7" dropped; b too short; c: [0 1 2 3], tail "45" dropped
        assertEquals(3, w.size());
        assertArrayEquals(new int[] {0, 1, 2, 3}, w.get(0).tokens());
        assertArrayEquals(new int[] {0, 4, 5, 6}, w.get(1).tokens());
        assertEquals(0, w.get(1).document());
        assertEquals(3, w.get(1).start());
        assertArrayEquals(new int[] {0, 1, 2, 3}, w.get(2).tokens());
        assertEquals(2, w.get(2).document());
        assertEquals(0, w.get(2).start());
    }

    @Test void withoutBosWindowsAreAllDocumentTokens() {
        var w = TokenWindows.collect(DOCS, DIGITS, TokenWindows.Options.of(3, DIGITS, false), -1);
        assertEquals(List.of("123", "456", "123"), w.stream().map(x -> str(x.tokens())).toList());
    }

    @Test void crossingDocumentsJoinsWithSeparator() {
        var opt = TokenWindows.Options.of(4, DIGITS, false).crossingDocuments();
        var w = TokenWindows.collect(DOCS, DIGITS, opt, -1);
        // stream: 1234567 0 89 0 12345 0 → 1234 5670 8901 2345, tail "0" dropped
        assertEquals(List.of("1234", "5670", "8901", "2345"), w.stream().map(x -> str(x.tokens())).toList());
        assertEquals(1, w.get(2).document());
        assertEquals(0, w.get(2).start());
        assertEquals(2, w.get(3).document());
        assertEquals(1, w.get(3).start());
    }

    @Test void maxLimitsAndTokensArray() {
        var w = TokenWindows.collect(DOCS, DIGITS, TokenWindows.Options.of(3, DIGITS, false), 2);
        int[][] t = TokenWindows.tokens(w);
        assertEquals(2, t.length);
        assertArrayEquals(new int[] {4, 5, 6}, t[1]);
    }

    @Test void badOptionsAreConfigErrors() {
        assertThrows(ConfigException.class, () -> new TokenWindows.Options(1, -1, false, -1));
        assertThrows(ConfigException.class, () -> new TokenWindows(DOCS.iterator(), DIGITS, new TokenWindows.Options(4, 12, false, -1)));
    }

    static String str(int[] ids) {
        var sb = new StringBuilder();
        for (int i : ids) sb.append(i);
        return sb.toString();
    }
}
