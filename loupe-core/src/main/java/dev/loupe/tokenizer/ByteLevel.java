package dev.loupe.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte-level alphabet: a bijection between the 256 byte values and 256 printable Unicode
 * characters, so that any byte string can be written as a vocabulary string. Printable Latin-1
 * bytes map to themselves; the rest (controls, space, 0x7F–0xA0, 0xAD) map to U+0100 upwards in
 * byte order, so space is {@code Ġ} (U+0120) and {@code \n} is {@code Ċ} (U+010A). Must agree
 * with {@code bytes_to_unicode} in OpenAI's GPT-2 encoder.py and HF tokenizers' ByteLevel.
 * Public so the BPE trainer writes tokenizer.json files in the same alphabet.
 */
public final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x200]; // -1 where the char is not in the alphabet

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    /** The alphabet: element {@code b} is the character that stands for byte {@code b}. */
    public static char[] bytesToUnicode() { return BYTE_TO_CHAR.clone(); }

    /** The byte that {@code c} stands for, or -1 if {@code c} is not in the alphabet. */
    public static int charToByte(int c) { return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1; }

    /** The UTF-8 bytes of {@code text}, written in the byte-level alphabet. */
    public static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(out);
    }

    /** The bytes a byte-level string stands for, or null if some character is outside the alphabet. */
    public static byte[] toBytes(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            int b = charToByte(s.charAt(i));
            if (b < 0) return null;
            out[i] = (byte) b;
        }
        return out;
    }

    /**
     * HF's ByteLevel decoder: each token's characters become bytes (a token with a character outside
     * the alphabet, e.g. an added token, contributes its own UTF-8 bytes), then the bytes are read as
     * UTF-8 with invalid sequences replaced by U+FFFD.
     */
    static String decode(Iterable<String> tokens) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (String t : tokens) {
            byte[] b = toBytes(t);
            buf.writeBytes(b != null ? b : t.getBytes(StandardCharsets.UTF_8));
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
