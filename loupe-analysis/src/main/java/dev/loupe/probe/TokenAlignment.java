// Token <-> character alignment for labelling: encodes a text (no special tokens) and gives each
// token the char range [start, end) of the text it spells. Works from the tokens' raw bytes
// (Tokenizer.tokenBytes), so byte-level BPE tokens that hold part of a multi-byte character are
// placed exactly: a token covers the characters its bytes touch. The bytes of all tokens must spell
// the text's UTF-8 bytes, optionally after SentencePiece's dummy-prefix space (llama2.c and Llama
// tokenizers prepend one; a token made only of it gets an empty range). A tokenizer that
// normalises text (lower-casing, NFC) breaks that and is refused with a clear error, as is any
// other mismatch. Must agree with HF tokenizers' offset mapping (return_offsets_mapping) on
// byte-level BPE, up to its character rather than byte units.
package dev.loupe.probe;

import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;

import java.nio.charset.StandardCharsets;

public final class TokenAlignment {
    private TokenAlignment() {}

    /** Token ids and, per token, the char range of the text it spells (start == end: none). */
    public record Aligned(int[] ids, int[] start, int[] end) {
        public int size() { return ids.length; }
    }

    public static Aligned align(Tokenizer tok, String text) {
        int[] ids = tok.encode(text, false);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] charOfByte = new int[utf8.length + 1];          // char index where each byte's character starts
        for (int c = 0, b = 0; c < text.length(); ) {
            int cp = text.codePointAt(c), len = utf8Length(cp), chars = Character.charCount(cp);
            for (int k = 0; k < len; k++) charOfByte[b + k] = c;
            b += len;
            c += chars;
        }
        charOfByte[utf8.length] = text.length();
        int total = 0;
        for (int id : ids) total += tok.tokenBytes(id).length;
        int skip = total - utf8.length;                      // bytes before the text: 1 for a dummy prefix
        if (skip != 0 && skip != 1) throw mismatch(text, total, utf8.length);
        int[] start = new int[ids.length], end = new int[ids.length];
        int pos = -skip;                                     // byte offset in the text of the next token byte
        for (int i = 0; i < ids.length; i++) {
            byte[] b = tok.tokenBytes(ids[i]);
            for (int k = 0; k < b.length; k++) {
                int at = pos + k;
                boolean ok = at < 0 ? b[k] == ' ' : b[k] == utf8[at];
                if (!ok) throw mismatch(text, total, utf8.length);
            }
            int from = Math.max(0, pos), to = pos + b.length;
            if (to <= from) { start[i] = end[i] = charOfByte[from]; }
            else {
                start[i] = charOfByte[from];
                end[i] = nextChar(text, charOfByte[to - 1]);
            }
            pos = to;
        }
        return new Aligned(ids, start, end);
    }

    private static int nextChar(String text, int c) { return c + Character.charCount(text.codePointAt(c)); }

    private static int utf8Length(int cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

    private static ConfigException mismatch(String text, int tokenBytes, int textBytes) {
        String head = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return new ConfigException("the tokens of \"" + head.replace("\n", "\\n") + "\" spell " + tokenBytes + " bytes, not the text's " + textBytes
                + " (the tokenizer normalises text?); character labels cannot be aligned to its tokens");
    }
}
