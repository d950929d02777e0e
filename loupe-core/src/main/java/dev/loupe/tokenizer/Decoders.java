package dev.loupe.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.util.FormatException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tokenizer.json {@code decoder} section: token strings → text. Each decoder maps a list of
 * token strings to a new list (as HF's decode_chain does) and the final list is concatenated.
 * Must agree with {@code tokenizers::decoders}. Supported: ByteLevel, Replace, ByteFallback, Fuse,
 * Strip, Sequence. Anything else (Metaspace, WordPiece, CTC, BPEDecoder) is rejected at load.
 */
final class Decoders {
    /** One decoding step over the whole token list. */
    interface Decoder {
        List<String> apply(List<String> tokens);
    }

    private Decoders() {}

    /** The decoder for {@code node}; for a JSON null or missing section, HF joins tokens with spaces. */
    static Decoder parse(JsonNode node, String where) {
        if (node == null || node.isNull()) return tokens -> List.of(String.join(" ", tokens));
        String type = JsonFields.type(node, where);
        return switch (type) {
            case "ByteLevel" -> tokens -> List.of(ByteLevel.decode(tokens));
            case "Replace" -> {
                Pattern pat = JsonFields.pattern(node.get("pattern"), where + ".pattern");
                String content = Matcher.quoteReplacement(JsonFields.text(node, "content", where));
                yield tokens -> tokens.stream().map(t -> pat.matcher(t).replaceAll(content)).toList();
            }
            case "ByteFallback" -> Decoders::byteFallback;
            case "Fuse" -> tokens -> List.of(String.join("", tokens));
            case "Strip" -> {
                String content = JsonFields.text(node, "content", where);
                if (content.codePointCount(0, content.length()) != 1) throw new FormatException(where + ".content must be one character");
                int start = JsonFields.integer(node, "start", 0), stop = JsonFields.integer(node, "stop", 0);
                yield tokens -> tokens.stream().map(t -> strip(t, content.codePointAt(0), start, stop)).toList();
            }
            case "Sequence" -> {
                JsonNode list = node.get("decoders");
                if (list == null || !list.isArray()) throw new FormatException(where + ".decoders must be an array");
                List<Decoder> steps = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) steps.add(parse(list.get(i), where + ".decoders[" + i + "]"));
                yield tokens -> {
                    for (Decoder step : steps) tokens = step.apply(tokens);
                    return tokens;
                };
            }
            default -> throw JsonFields.unsupported(where, type);
        };
    }

    /** The byte of a {@code <0xNN>} token, or -1. */
    static int byteToken(String t) {
        if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') return -1;
        int hi = Character.digit(t.charAt(3), 16), lo = Character.digit(t.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    /**
     * Runs of {@code <0xNN>} tokens become the text they encode; a run that is not valid UTF-8
     * becomes one U+FFFD per byte (HF's rule, unlike a lossy UTF-8 decode).
     */
    private static List<String> byteFallback(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        for (String t : tokens) {
            int b = byteToken(t);
            if (b >= 0) { run.write(b); continue; }
            flush(run, out);
            out.add(t);
        }
        flush(run, out);
        return out;
    }

    private static void flush(ByteArrayOutputStream run, List<String> out) {
        if (run.size() == 0) return;
        byte[] bytes = run.toByteArray();
        run.reset();
        try {
            out.add(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            for (int i = 0; i < bytes.length; i++) out.add("\uFFFD");
        }
    }

    /** Removes up to {@code start} leading and {@code stop} trailing {@code c} characters. */
    private static String strip(String t, int c, int start, int stop) {
        int a = 0, b = t.length();
        for (int k = 0; k < start && a < b && t.codePointAt(a) == c; k++) a += Character.charCount(c);
        for (int k = 0; k < stop && b > a && t.codePointBefore(b) == c; k++) b -= Character.charCount(c);
        return t.substring(a, b);
    }
}
