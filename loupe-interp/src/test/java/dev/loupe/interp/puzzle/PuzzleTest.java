package dev.loupe.interp.puzzle;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.interp.builtin.RuleSimulator;
import dev.loupe.interp.builtin.StatisticalExplainer;
import dev.loupe.testutil.Shared;
import dev.loupe.util.FormatException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Loads both puzzle sets and evaluates the built-in explainer and simulator on them. The counts are
 * printed (they are the numbers reported for the acceptance criteria) and pinned loosely.
 */
class PuzzleTest {
    static final PuzzleEvaluator BUILTIN = new PuzzleEvaluator(new StatisticalExplainer(), RuleSimulator.factory());

    @Test void loupeSetCoversTheRequiredKinds() {
        List<Puzzle> ps = PuzzleLoader.loupe();
        assertTrue(ps.size() >= 19, "need ≥ 19 puzzles, have " + ps.size());
        Set<String> kinds = new HashSet<>();
        for (Puzzle p : ps) {
            kinds.add(p.kind());
            assertTrue(p.falseExplanations().size() >= 3, p.name());
            assertTrue(p.sentences().stream().anyMatch(s -> s.max() > 0), p.name());
        }
        assertTrue(kinds.containsAll(Set.of("token", "context", "negation", "next-token", "positional")), kinds.toString());
    }

    @Test void billsPuzzlesLoadFromShared() {
        Path f = Shared.path("benchmarks", "bills-puzzles", "puzzles.json");
        List<Puzzle> ps = PuzzleLoader.load(f);
        assertEquals(19, ps.size());
        Puzzle of = ps.stream().filter(p -> p.name().equals("of")).findFirst().orElseThrow();
        assertEquals("positions in the passage following the word \"of\"", of.explanation());
        assertEquals(3, of.falseExplanations().size());
        assertTrue(of.sentences().stream().anyMatch(s -> s.max() > 0));
    }

    @Test void malformedPuzzleFilesGiveOneLineErrors() {
        FormatException e = assertThrows(FormatException.class, () -> PuzzleLoader.parse(stream("{\"p\": {\"explanation\": \"x\", \"false_explanations\": [\"y\"], \"sentences\": [[\"a\", [\"b\"]]]}}"), "t.json"));
        assertTrue(e.getMessage().contains("t.json puzzle \"p\" sentence 0 token 1"), e.getMessage());
        assertThrows(FormatException.class, () -> PuzzleLoader.parse(stream("[1]"), "t.json"));
        assertThrows(FormatException.class, () -> PuzzleLoader.parse(stream("{\"p\": {\"false_explanations\": []}}"), "t.json"));
        assertThrows(FormatException.class, () -> PuzzleLoader.parse(stream("{nope"), "t.json"));
    }

    @Test void builtinOnLoupePuzzles() {
        PuzzleEvaluator.Report r = BUILTIN.evaluate(PuzzleLoader.loupe());
        print("Loupe puzzles", r);
        // acceptance: the easy token-level puzzles are solved, and the truth ranks first on most puzzles
        for (PuzzleEvaluator.Result x : r.results()) if (x.kind().equals("token")) assertTrue(x.solved(), x.puzzle() + ": " + x.explainerText());
        assertTrue(r.truthFirst() * 2 > r.total(), r.summary());
    }

    @Test void builtinOnBillsPuzzles() {
        PuzzleEvaluator.Report r = BUILTIN.evaluate(PuzzleLoader.load(Shared.path("benchmarks", "bills-puzzles", "puzzles.json")));
        print("Bills puzzles", r);
        assertEquals(19, r.total());
    }

    static void print(String title, PuzzleEvaluator.Report r) {
        String t = r.table();
        assertEquals(r.total() + 4, t.lines().count());  // header, rule, one row per puzzle, blank, summary
        System.out.println("== " + title + "\n" + t);
    }

    static ByteArrayInputStream stream(String s) { return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)); }
}
