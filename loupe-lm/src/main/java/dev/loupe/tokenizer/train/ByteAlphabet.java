package dev.loupe.tokenizer.train;

/**
 * GPT-2's reversible byte → printable-character map ({@code bytes_to_unicode} in OpenAI's
 * {@code encoder.py}, HF's ByteLevel): printable Latin-1 bytes map to themselves, the other 68
 * bytes to U+0100 onwards in byte order, so a space becomes 'Ġ' and '\n' becomes 'Ċ'.
 *
 * <p>INTEGRATION: the HF tokenizer loader ({@code dev.loupe.tokenizer}) publishes the same table;
 * when it lands, delegate to it and delete this class.
 */
final class ByteAlphabet {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteAlphabet() {}

    static char toChar(int b) { return BYTE_TO_CHAR[b & 0xFF]; }

    /** The byte a character stands for, or −1 if it is not in the alphabet. */
    static int toByte(char c) { return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1; }

    static String encode(byte[] bytes) {
        var sb = new StringBuilder(bytes.length);
        for (byte b : bytes) sb.append(toChar(b));
        return sb.toString();
    }

    /** Inverse of {@link #encode}; null if some character is outside the alphabet. */
    static byte[] decode(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            int b = toByte(s.charAt(i));
            if (b < 0) return null;
            out[i] = (byte) b;
        }
        return out;
    }
}
