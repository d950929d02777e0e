package dev.loupe.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.testutil.Shared;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every line of ../shared/tokenizers/NAME/expected.jsonl (outputs of HF tokenizers 0.23.2) must be
 * reproduced exactly: ids, ids_with_special, tokens, decoded and decoded_skip_special.
 */
class HfTokenizerFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama2", "llama3", "qwen3", "gemma3"})
    void matchesHfTokenizersOnEveryFixtureLine(String name) throws Exception {
        Path dir = Shared.path("tokenizers", name);
        Tokenizer tok = FixtureTokenizers.get(name);
        List<String> lines = Files.readAllLines(dir.resolve("expected.jsonl"));
        List<String> failures = new ArrayList<>();
        int passed = 0;
        for (int n = 0; n < lines.size(); n++) {
            JsonNode c = JSON.readTree(lines.get(n));
            String text = c.get("text").asText();
            int[] ids = ints(c.get("ids")), withSpecial = ints(c.get("ids_with_special"));
            List<String> problems = new ArrayList<>();
            int[] gotIds = tok.encode(text, false);
            if (!Arrays.equals(ids, gotIds)) problems.add("ids " + Arrays.toString(gotIds) + " != " + Arrays.toString(ids));
            int[] gotSpecial = tok.encode(text, true);
            if (!Arrays.equals(withSpecial, gotSpecial)) problems.add("ids_with_special " + Arrays.toString(gotSpecial) + " != " + Arrays.toString(withSpecial));
            List<String> tokens = new ArrayList<>();
            c.get("tokens").forEach(t -> tokens.add(t.asText()));
            List<String> gotTokens = Arrays.stream(ids).mapToObj(tok::tokenString).toList();
            if (!tokens.equals(gotTokens)) problems.add("tokens " + gotTokens + " != " + tokens);
            String decoded = tok.decode(ids, false);
            if (!decoded.equals(c.get("decoded").asText())) problems.add("decoded '" + decoded + "' != '" + c.get("decoded").asText() + "'");
            String skip = tok.decode(withSpecial, true);
            if (!skip.equals(c.get("decoded_skip_special").asText())) problems.add("decoded_skip_special '" + skip + "' != '" + c.get("decoded_skip_special").asText() + "'");
            if (problems.isEmpty()) passed++;
            else failures.add("line " + (n + 1) + " " + JSON.writeValueAsString(text) + ": " + String.join("; ", problems));
        }
        System.out.println("[tokenizer fixtures] " + name + ": " + passed + "/" + lines.size() + " lines pass");
        assertEquals(133, lines.size(), "fixture line count");
        assertTrue(failures.isEmpty(), name + ": " + failures.size() + " failing lines:\n" + String.join("\n", failures));
    }

    private static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = arr.get(i).asInt();
        return out;
    }
}
