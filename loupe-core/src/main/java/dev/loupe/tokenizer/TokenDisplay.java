package dev.loupe.tokenizer;

/**
 * Renders a token's bytes for display (see {@link Tokenizer#displayToken}). Not a decoder: the
 * output is for people, not for round-tripping. Valid UTF-8 sequences become their characters;
 * every other byte becomes {@code <0xNN>}, the spelling SentencePiece uses for byte tokens.
 */
final class TokenDisplay {
    private TokenDisplay() {}

    static String render(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length + 8);
        int i = 0;
        while (i < b.length) {
            int n = sequenceLength(b, i);
            if (n == 0) {
                appendByte(sb, b[i] & 0xFF);
                i++;
                continue;
            }
            int cp = n == 1 ? b[i] : decode(b, i, n);
            switch (cp) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.getType(cp) == Character.CONTROL) appendByteForm(sb, cp);
                    else sb.appendCodePoint(cp);
                }
            }
            i += n;
        }
        return sb.toString();
    }

    private static void appendByteForm(StringBuilder sb, int cp) {
        if (cp < 0x80) appendByte(sb, cp);
        else sb.append(String.format("<U+%04X>", cp));
    }

    private static void appendByte(StringBuilder sb, int v) {
        sb.append(String.format("<0x%02X>", v));
    }

    /** Length of the well-formed UTF-8 sequence at {@code i}, or 0 if the byte there does not start one. */
    private static int sequenceLength(byte[] b, int i) {
        int c = b[i] & 0xFF;
        int n;
        if (c < 0x80) return 1;
        else if (c >= 0xC2 && c <= 0xDF) n = 2;
        else if (c >= 0xE0 && c <= 0xEF) n = 3;
        else if (c >= 0xF0 && c <= 0xF4) n = 4;
        else return 0;
        if (i + n > b.length) return 0;
        for (int k = 1; k < n; k++) if ((b[i + k] & 0xC0) != 0x80) return 0;
        int cp = decode(b, i, n);
        if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0; // overlong or surrogate
        if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
        return n;
    }

    private static int decode(byte[] b, int i, int n) {
        int cp = b[i] & (0xFF >> (n + 1));
        for (int k = 1; k < n; k++) cp = (cp << 6) | (b[i + k] & 0x3F);
        return cp;
    }
}
