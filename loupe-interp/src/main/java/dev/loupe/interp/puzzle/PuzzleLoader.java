package dev.loupe.interp.puzzle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.interp.ActivationRecord;
import dev.loupe.util.FormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads neuron puzzles in neuron-explainer's {@code puzzles.json} layout: an object keyed by puzzle
 * name; each puzzle has {@code explanation}, {@code false_explanations} and {@code sentences}, a list
 * of token lists where a plain string is a token with activation 0 and {@code [token, activation]} a
 * token with that activation. Loupe's own set adds an optional {@code kind}.
 */
public final class PuzzleLoader {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String LOUPE_RESOURCE = "/dev/loupe/interp/puzzle/loupe-puzzles.json";

    private PuzzleLoader() {}

    public static List<Puzzle> load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new FormatException("cannot read puzzle file " + file + ": " + e.getMessage());
        }
    }

    /**
     * The Loupe puzzle set shipped in this module: 22 synthetic neurons over sentences written for
     * Loupe (GPT-2-style tokens), covering token-level, context-dependent, negation ("not all"),
     * next-token, positional and concept patterns. Each puzzle's activations were set by one labelling
     * rule chosen by hand (with hand-picked graded weights for some tokens), so the ground truth is
     * exact by construction; firing and silent sentences alternate in pairs so both halves used by
     * {@link PuzzleEvaluator} contain firing sentences.
     */
    public static List<Puzzle> loupe() {
        try (InputStream in = PuzzleLoader.class.getResourceAsStream(LOUPE_RESOURCE)) {
            if (in == null) throw new FormatException("resource " + LOUPE_RESOURCE + " is missing from the loupe-interp jar");
            return parse(in, LOUPE_RESOURCE);
        } catch (IOException e) {
            throw new FormatException("cannot read " + LOUPE_RESOURCE + ": " + e.getMessage());
        }
    }

    static List<Puzzle> parse(InputStream in, String where) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new FormatException(where + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) throw new FormatException(where + ": expected a JSON object keyed by puzzle name");
        List<Puzzle> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(puzzle(e.getKey(), e.getValue(), where));
        }
        return out;
    }

    private static Puzzle puzzle(String key, JsonNode p, String where) {
        String at = where + " puzzle \"" + key + "\"";
        String expl = text(p, "explanation", at);
        List<String> falses = new ArrayList<>();
        JsonNode f = p.get("false_explanations");
        if (f == null || !f.isArray()) throw new FormatException(at + ": \"false_explanations\" must be a list of strings");
        for (JsonNode x : f) falses.add(x.asText());
        JsonNode s = p.get("sentences");
        if (s == null || !s.isArray()) throw new FormatException(at + ": \"sentences\" must be a list of token lists");
        List<ActivationRecord> sentences = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) sentences.add(sentence(s.get(i), at + " sentence " + i));
        String kind = p.hasNonNull("kind") ? p.get("kind").asText() : null;
        try {
            return new Puzzle(p.hasNonNull("name") ? p.get("name").asText() : key, kind, expl, falses, sentences);
        } catch (IllegalArgumentException e) {
            throw new FormatException(at + ": " + e.getMessage());
        }
    }

    private static ActivationRecord sentence(JsonNode s, String at) {
        if (!s.isArray()) throw new FormatException(at + ": expected a list of tokens");
        String[] tokens = new String[s.size()];
        float[] acts = new float[s.size()];
        for (int i = 0; i < s.size(); i++) {
            JsonNode t = s.get(i);
            if (t.isTextual()) {
                tokens[i] = t.asText();
            } else if (t.isArray() && t.size() == 2 && t.get(0).isTextual() && t.get(1).isNumber()) {
                tokens[i] = t.get(0).asText();
                acts[i] = (float) t.get(1).asDouble();
            } else {
                throw new FormatException(at + " token " + i + ": expected \"token\" or [\"token\", activation], got " + t);
            }
        }
        return new ActivationRecord(tokens, acts);
    }

    private static String text(JsonNode p, String field, String at) {
        JsonNode v = p.get(field);
        if (v == null || !v.isTextual()) throw new FormatException(at + ": missing string field \"" + field + "\"");
        return v.asText();
    }
}
