package dev.loupe.intervene;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Prompt-pair task files for patching and ablation, format version 1: JSONL, one object per line,
 * <pre>{"base": "int x = 1; int y", "target": "long x = 1; long y", "base_answer": " =", "target_answer": " ="}</pre>
 * {@code base} and {@code target} must encode to the same number of tokens (patching is position by
 * position); each answer must be exactly one token (after the prompt, or on its own): the next token the model should predict after the
 * base (resp. target) prompt. Blank lines are skipped. The logit difference of a run is
 * logit(target_answer) − logit(base_answer) at the last position, so it rises from the base run's
 * value to the target run's value as the target is patched in (the IOI metric of Wang et al. 2022).
 */
public final class PromptTasks {
    private PromptTasks() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line of a task file. */
    public record PromptPair(String base, String target, String baseAnswer, String targetAnswer) {}

    /** A pair as token ids: equal-length prompts (BOS included when the tokenizer adds one) and one-token answers. */
    public record Encoded(int[] base, int[] target, int baseAnswer, int targetAnswer) {
        public Encoded {
            if (base.length != target.length || base.length == 0)
                throw new ConfigException("base and target prompts must be non-empty and of equal token length, got " + base.length + " and " + target.length);
        }
    }

    public static List<PromptPair> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the task file (" + e.getMessage() + ")");
        }
        List<PromptPair> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String where = file + " line " + (i + 1);
            JsonNode o;
            try {
                o = JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new FormatException(where + ": not a JSON object (" + e.getOriginalMessage() + ")");
            }
            out.add(new PromptPair(text(o, "base", where), text(o, "target", where), text(o, "base_answer", where), text(o, "target_answer", where)));
        }
        if (out.isEmpty()) throw new ConfigException(file + ": no prompt pairs; each line needs {\"base\", \"target\", \"base_answer\", \"target_answer\"}");
        return out;
    }

    private static String text(JsonNode o, String key, String where) {
        JsonNode v = o == null ? null : o.get(key);
        if (v == null || !v.isTextual())
            throw new FormatException(where + ": field \"" + key + "\" is missing or not a string; each line needs {\"base\", \"target\", \"base_answer\", \"target_answer\"}");
        return v.asText();
    }

    /** Encodes every pair; the error names the pair and the token counts when a pair does not fit the format. */
    public static List<Encoded> encode(List<PromptPair> pairs, Tokenizer tok) {
        List<Encoded> out = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            PromptPair p = pairs.get(i);
            int[] b = tok.encode(p.base(), true), t = tok.encode(p.target(), true);
            if (b.length != t.length)
                throw new ConfigException("pair " + (i + 1) + ": base encodes to " + b.length + " tokens and target to " + t.length
                        + "; patching needs equal lengths (reword one of \"" + p.base() + "\" / \"" + p.target() + "\")");
            out.add(new Encoded(b, t, oneToken(tok, p.base(), b, p.baseAnswer(), i), oneToken(tok, p.target(), t, p.targetAnswer(), i)));
        }
        return out;
    }

    /**
     * The answer's token as the tokenizer spells it after the prompt (SentencePiece-style tokenizers
     * turn a leading space into part of the token only in context), else the answer encoded alone.
     */
    private static int oneToken(Tokenizer tok, String prompt, int[] promptIds, String answer, int pair) {
        int[] whole = tok.encode(prompt + answer, true);
        if (whole.length == promptIds.length + 1 && Arrays.equals(whole, 0, promptIds.length, promptIds, 0, promptIds.length))
            return whole[promptIds.length];
        int[] ids = tok.encode(answer, false);
        if (ids.length != 1)
            throw new ConfigException("pair " + (pair + 1) + ": answer \"" + answer + "\" encodes to " + ids.length + " tokens; answers must be one token");
        return ids[0];
    }
}
