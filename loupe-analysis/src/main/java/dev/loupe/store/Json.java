// JSON helpers for the store's JSON columns (metric maps, packed lists). Jackson, as in loupe-core.
package dev.loupe.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.util.FormatException;

import java.util.LinkedHashMap;
import java.util.Map;

final class Json {
    private Json() {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static Map<String, Double> metrics(String json, String column) {
        try {
            return json == null ? Map.of() : MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Double>>() {});
        } catch (JsonProcessingException e) {
            throw new FormatException("feature store column " + column + " holds invalid JSON (" + e.getOriginalMessage() + "); the store is damaged");
        }
    }

    /** A JSON array column (each element an array: see PackedRows). */
    static JsonNode array(String json, String column) {
        JsonNode n;
        try {
            n = json == null ? null : MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new FormatException("feature store column " + column + " holds invalid JSON (" + e.getOriginalMessage() + "); the store is damaged");
        }
        if (n == null || !n.isArray())
            throw new FormatException("feature store column " + column + " holds " + (n == null ? "nothing" : n.getNodeType()) + ", not a JSON array; the store is damaged");
        for (JsonNode e : n)
            if (!e.isArray()) throw new FormatException("feature store column " + column + " holds a JSON array whose elements are not arrays; the store is damaged");
        return n;
    }
}
