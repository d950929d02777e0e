package dev.loupe.model.arch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.util.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Typed read-only access to a HuggingFace {@code config.json}. A missing key takes the caller's
 * default (the HF class default); a present key of the wrong JSON type, or a missing required key,
 * is a {@link ConfigException} naming the key and the file. JSON {@code null} counts as missing.
 * Unknown keys are ignored.
 */
public final class HfConfig {
    private final Path file;
    private final JsonNode root;

    private HfConfig(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    public static HfConfig read(Path file) {
        if (!Files.isRegularFile(file)) throw new ConfigException(file + ": no such config file");
        try {
            JsonNode n = new ObjectMapper().readTree(file.toFile());
            if (n == null || !n.isObject()) throw new ConfigException(file + ": not a JSON object");
            return new HfConfig(file, n);
        } catch (IOException e) {
            String m = e.getMessage() == null ? "" : e.getMessage().split("\n", 2)[0];
            throw new ConfigException(file + ": not valid JSON (" + m + ")");
        }
    }

    /** For tests and programmatic use: parses JSON text; {@code file} is only used in messages. */
    public static HfConfig parse(String json, Path file) {
        try {
            JsonNode n = new ObjectMapper().readTree(json);
            if (n == null || !n.isObject()) throw new ConfigException(file + ": not a JSON object");
            return new HfConfig(file, n);
        } catch (IOException e) {
            throw new ConfigException(file + ": not valid JSON (" + e.getMessage().split("\n", 2)[0] + ")");
        }
    }

    public Path file() { return file; }

    public boolean has(String key) { JsonNode n = root.get(key); return n != null && !n.isNull(); }

    /** True when the key is present with the value {@code null} (which HF distinguishes from absent for some keys). */
    public boolean isExplicitNull(String key) { JsonNode n = root.get(key); return n != null && n.isNull(); }

    private JsonNode need(String key) {
        if (!has(key)) throw new ConfigException(file + ": required key '" + key + "' is missing");
        return root.get(key);
    }

    private ConfigException wrongType(String key, String want) {
        return new ConfigException(file + ": key '" + key + "' should be " + want + " but is " + root.get(key));
    }

    public int getInt(String key) {
        JsonNode n = need(key);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) throw wrongType(key, "an integer");
        return n.intValue();
    }

    public int getInt(String key, int dflt) { return has(key) ? getInt(key) : dflt; }

    public double getDouble(String key) {
        JsonNode n = need(key);
        if (!n.isNumber()) throw wrongType(key, "a number");
        return n.doubleValue();
    }

    public double getDouble(String key, double dflt) { return has(key) ? getDouble(key) : dflt; }

    public boolean getBool(String key, boolean dflt) {
        if (!has(key)) return dflt;
        JsonNode n = root.get(key);
        if (!n.isBoolean()) throw wrongType(key, "true or false");
        return n.booleanValue();
    }

    public String getString(String key) {
        JsonNode n = need(key);
        if (!n.isTextual()) throw wrongType(key, "a string");
        return n.textValue();
    }

    public String getString(String key, String dflt) { return has(key) ? getString(key) : dflt; }

    /** {@code architectures[0]}, or null when absent. */
    public String architecture() {
        JsonNode a = root.get("architectures");
        if (a == null || a.isNull()) return null;
        if (!a.isArray() || a.isEmpty() || !a.get(0).isTextual()) throw wrongType("architectures", "a list of class names");
        return a.get(0).textValue();
    }

    /** Throws unless the key is absent or null: for features Loupe does not implement. */
    public void requireAbsent(String key, String why) {
        if (has(key)) throw new ConfigException(file + ": key '" + key + "' = " + root.get(key) + " is not supported (" + why + ")");
    }
}
