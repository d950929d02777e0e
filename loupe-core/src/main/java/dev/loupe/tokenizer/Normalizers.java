package dev.loupe.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.util.FormatException;

import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tokenizer.json {@code normalizer} section: string → string rewrites applied to each text
 * segment between added tokens, before pre-tokenization. Must agree with
 * {@code tokenizers::normalizers}. Supported: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace,
 * Strip, Sequence. Anything else (BertNormalizer, Precompiled, ...) is rejected at load.
 */
final class Normalizers {
    private Normalizers() {}

    /** The normalizer for {@code node}; identity for a JSON null or a missing section. */
    static UnaryOperator<String> parse(JsonNode node, String where) {
        if (node == null || node.isNull()) return UnaryOperator.identity();
        String type = JsonFields.type(node, where);
        return switch (type) {
            case "NFC" -> s -> java.text.Normalizer.normalize(s, Form.NFC);
            case "NFD" -> s -> java.text.Normalizer.normalize(s, Form.NFD);
            case "NFKC" -> s -> java.text.Normalizer.normalize(s, Form.NFKC);
            case "NFKD" -> s -> java.text.Normalizer.normalize(s, Form.NFKD);
            case "Lowercase" -> s -> s.toLowerCase(Locale.ROOT);
            case "Prepend" -> {
                String p = JsonFields.text(node, "prepend", where);
                yield s -> s.isEmpty() ? s : p + s;   // HF prepends only to non-empty text
            }
            case "Replace" -> {
                Pattern pat = JsonFields.pattern(node.get("pattern"), where + ".pattern");
                String content = Matcher.quoteReplacement(JsonFields.text(node, "content", where));
                yield s -> pat.matcher(s).replaceAll(content);
            }
            case "Strip" -> {
                boolean left = JsonFields.bool(node, "strip_left", false), right = JsonFields.bool(node, "strip_right", false);
                yield s -> strip(s, left, right);
            }
            case "Sequence" -> {
                JsonNode list = node.get("normalizers");
                if (list == null || !list.isArray()) throw new FormatException(where + ".normalizers must be an array");
                List<UnaryOperator<String>> steps = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) steps.add(parse(list.get(i), where + ".normalizers[" + i + "]"));
                yield s -> {
                    for (var step : steps) s = step.apply(s);
                    return s;
                };
            }
            default -> throw JsonFields.unsupported(where, type);
        };
    }

    /** Strips Unicode White_Space, as Rust's str::trim does. */
    private static String strip(String s, boolean left, boolean right) {
        int a = 0, b = s.length();
        if (left) while (a < b && isWhite(s.codePointAt(a))) a += Character.charCount(s.codePointAt(a));
        if (right) while (b > a && isWhite(s.codePointBefore(b))) b -= Character.charCount(s.codePointBefore(b));
        return s.substring(a, b);
    }

    private static boolean isWhite(int cp) {
        return (Character.isWhitespace(cp) && (cp < 0x1C || cp > 0x1F)) || Character.isSpaceChar(cp) || cp == 0x85;
    }
}
