package dev.loupe.corpus;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** UTF-8 decoding that replaces each malformed sequence with U+FFFD and counts them (the JDK's REPLACE mode can't count). */
final class Utf8 {
    private Utf8() {}

    static String decode(byte[] b, int len, AtomicLong replaced) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, 0, len);
        // UTF-8 never yields more chars than bytes, and each replacement consumes at least one byte
        CharBuffer out = CharBuffer.allocate(len);
        while (true) {
            CoderResult r = dec.decode(in, out, true);
            if (r.isUnderflow()) break;
            if (r.isError()) {
                out.put('\uFFFD');
                in.position(in.position() + r.length());
                replaced.incrementAndGet();
            } else {
                throw new IllegalStateException("UTF-8 output overflow: " + r); // impossible, see sizing above
            }
        }
        dec.flush(out);
        return out.flip().toString();
    }
}
