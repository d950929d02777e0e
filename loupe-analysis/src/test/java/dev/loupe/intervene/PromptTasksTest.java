package dev.loupe.intervene;

import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.testutil.Shared;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The task file format, and that the shipped tasks are tasks their models can do. */
class PromptTasksTest {
    static Path task(String name) { return TestModels.LOUPE_1L.resolve("../../tasks").resolve(name).normalize(); }

    /**
     * Fraction of pairs the model gets right as a two-way choice, the quantity patching measures: the
     * base run gives its own answer a higher logit than the target's answer, and the target run the reverse.
     */
    static double solved(Transformer m, List<PromptTasks.Encoded> pairs) {
        int V = m.config().vocab(), ok = 0;
        for (var e : pairs) {
            float[] b = m.forward(new int[][]{e.base()}).data(), t = m.forward(new int[][]{e.target()}).data();
            int ob = (e.base().length - 1) * V, ot = (e.target().length - 1) * V;
            if (b[ob + e.baseAnswer()] > b[ob + e.targetAnswer()] && t[ot + e.targetAnswer()] > t[ot + e.baseAnswer()]) ok++;
        }
        return ok / (double) pairs.size();
    }

    @Test void loupe1lDoesTheBracketTask() {
        var pairs = PromptTasks.encode(PromptTasks.read(task("loupe-1l-brackets.jsonl")), TestModels.loupe1lTokenizer());
        assertEquals(9, pairs.size());
        assertTrue(solved(TestModels.loupe1l(), pairs) >= 0.8, "models/loupe-1l should close most brackets right");
    }

    @Test void stories260KDoesThePronounTask() {
        Path bin = Shared.path("models", "stories260K", "stories260K.bin");
        Transformer m = ModelLoader.load(bin);
        Tokenizer tok = Tokenizers.load(ModelLoader.tokenizerNextTo(bin));
        var pairs = PromptTasks.encode(PromptTasks.read(task("stories260K-pronouns.jsonl")), tok);
        assertEquals(11, pairs.size());
        assertEquals(1.0, solved(m, pairs), "she/he after girl/boy");
    }

    @Test void badLinesAreOneLineErrorsNamingTheLine(@TempDir Path dir) throws Exception {
        Tokenizer tok = TestModels.loupe1lTokenizer();
        Path f = dir.resolve("t.jsonl");
        Files.writeString(f, "{\"base\": \"x = a[i\", \"target\": \"x = a(i\", \"base_answer\": \"];\", \"target_answer\": \");\"}\n\n{\"base\": \"x\"}\n");
        var e = assertThrows(FormatException.class, () -> PromptTasks.read(f));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("\"target\""), e.getMessage());
        Files.writeString(f, "not json\n");
        assertTrue(assertThrows(FormatException.class, () -> PromptTasks.read(f)).getMessage().contains("line 1"));
        var uneven = new PromptTasks.PromptPair("x = a[i", "x = someLongerName(index, other", "];", ");");
        assertTrue(assertThrows(ConfigException.class, () -> PromptTasks.encode(List.of(uneven), tok)).getMessage().contains("equal lengths"));
        var longAnswer = new PromptTasks.PromptPair("x = a[i", "x = a(i", " IllegalArgumentException(\"", ");");
        assertTrue(assertThrows(ConfigException.class, () -> PromptTasks.encode(List.of(longAnswer), tok)).getMessage().contains("one token"));
    }
}
