package dev.loupe.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.util.FormatException;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Small helpers for reading tokenizer.json components with one-line errors naming the field. */
final class JsonFields {
    private JsonFields() {}

    static String type(JsonNode node, String where) {
        JsonNode t = node.get("type");
        if (t == null || !t.isTextual()) throw new FormatException(where + " has no string field 'type'");
        return t.asText();
    }

    static FormatException unsupported(String where, String type) {
        return new FormatException(where + " type '" + type + "' is not supported (Loupe would give different ids than HF tokenizers)");
    }

    static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) throw new FormatException(where + "." + field + " must be a string");
        return v.asText();
    }

    static boolean bool(JsonNode node, String field, boolean dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : v.asBoolean();
    }

    static int integer(JsonNode node, String field, int dflt) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? dflt : v.asInt();
    }

    /**
     * A tokenizer.json pattern, {"String": s} (literal) or {"Regex": r} (Oniguruma syntax, compiled
     * by java.util.regex with Unicode classes, which matches Oniguruma on the constructs the
     * HF files use: \p{L}, \p{N}, \s as Unicode White_Space, (?i:...) with Unicode case folding).
     */
    static Pattern pattern(JsonNode node, String where) {
        if (node == null || !node.isObject()) throw new FormatException(where + " must be an object {\"String\": ...} or {\"Regex\": ...}");
        if (node.has("String")) return Pattern.compile(Pattern.quote(node.get("String").asText()));
        if (node.has("Regex")) {
            String re = node.get("Regex").asText();
            try {
                return Pattern.compile(re, Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNICODE_CASE);
            } catch (PatternSyntaxException e) {
                throw new FormatException(where + ".Regex '" + re + "' is not a regex Java can compile: " + e.getDescription());
            }
        }
        throw new FormatException(where + " must have a 'String' or 'Regex' field");
    }
}
