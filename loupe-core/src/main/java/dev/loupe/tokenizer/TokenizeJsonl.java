package dev.loupe.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.util.FormatException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Tokenizes a JSON Lines stream: each input line {"text": ...} becomes one output line
 * {"text", "ids", "ids_with_special", "decoded"} (decoded = decode(ids) keeping special tokens),
 * the same fields as the ../shared/tokenizers expected.jsonl files. Blank lines are skipped. The
 * engine of {@code loupe tokenize}.
 */
public final class TokenizeJsonl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizeJsonl() {}

    /** Processes every line of {@code in} (named {@code inName} in errors); returns the number of records written. */
    public static long run(Tokenizer tokenizer, BufferedReader in, String inName, PrintWriter out) {
        long written = 0;
        int lineNo = 0;
        try {
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                String text = text(line, inName, lineNo);
                int[] ids = tokenizer.encode(text, false);
                ObjectNode rec = JSON.createObjectNode();
                rec.put("text", text);
                ids(rec.putArray("ids"), ids);
                ids(rec.putArray("ids_with_special"), tokenizer.encode(text, true));
                rec.put("decoded", tokenizer.decode(ids, false));
                out.println(JSON.writeValueAsString(rec));
                written++;
            }
        } catch (IOException e) {
            throw new FormatException(inName + ": cannot read line " + (lineNo + 1) + " (" + e + "); expected UTF-8 JSON Lines", e);
        }
        out.flush();
        return written;
    }

    private static String text(String line, String inName, int lineNo) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new FormatException(inName + " line " + lineNo + ": not valid JSON ("
                    + e.getOriginalMessage().lines().findFirst().orElse("") + "); expected {\"text\": \"...\"}");
        }
        JsonNode text = node == null ? null : node.get("text");
        if (text == null || !text.isTextual()) {
            throw new FormatException(inName + " line " + lineNo + ": expected a JSON object with a string field \"text\"");
        }
        return text.asText();
    }

    private static void ids(com.fasterxml.jackson.databind.node.ArrayNode arr, int[] ids) {
        for (int id : ids) arr.add(id);
    }
}
