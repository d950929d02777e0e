package dev.loupe.cli;

import dev.loupe.interp.InterpStores;
import dev.loupe.store.FeatureStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The auto-interp verbs in-process on the hand-made store of {@link InterpStores}. */
class InterpCommandsTest {
    static SaeCommandsTest.Out run(String... args) { return SaeCommandsTest.run(args); }

    @Test
    void runExplainScoreAndReport(@TempDir Path tmp) {
        Path db = tmp.resolve("loupe.db");
        try (FeatureStore s = FeatureStore.open(db)) {
            InterpStores.write(s, "sae", "standard");
        }
        var e = run("explain", "--store", db.toString(), "--dictionary", "sae", "--features", "0-1");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("feature 0: the token \"red\""), e.out());
        assertTrue(e.out().contains("feature 1: not explained (only 5 non-trivial top excerpts (need 20))"), e.out());

        var r = run("interp", "run", "--store", db.toString(), "--dictionary", "sae", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("builtin-stat / builtin-rules: 1 done, 0 skipped, 0 failed, 2 already done"), r.out());
        assertTrue(r.err().contains("1/1  done 1"), "progress bar on stderr: " + r.err());

        var sc = run("score", "--store", db.toString(), "--dictionary", "sae", "--feature", "0", "--explanation", "the token \"cat\"");
        assertEquals(0, sc.code(), sc.err());
        assertTrue(sc.out().contains("top_and_random"), sc.out());
        // features show prints the stored explanation with its scores (undefined ones as such, never as 0)
        var show = run("features", "--store", db.toString(), "--dict", "sae", "show", "0");
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().matches("(?s).*\\nscores: [^\\n]*top_and_random (-?\\d\\.\\d{3}|undefined).*"), show.out());

        Path png = tmp.resolve("fig.png");
        var rep = run("interp", "report", "--store", db.toString(), "--png", png.toString());
        assertEquals(0, rep.code(), rep.err());
        assertTrue(rep.out().contains("| sae (standard) | 2 | 1 | 0 |"), rep.out());
        assertTrue(Files.isRegularFile(png));
    }

    @Test
    void puzzlesReportCountsAndBadInputsFailCleanly(@TempDir Path tmp) {
        var p = run("interp", "puzzles");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().matches("(?s)loupe: solved \\d+/\\d+, truth ranked first \\d+/\\d+.*"), p.out());

        var bad = run("interp", "run", "--store", tmp.resolve("none.db").toString(), "--dictionary", "sae");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("does not exist; create it with `loupe analyze`"), bad.err());
        assertFalse(Files.exists(tmp.resolve("none.db")), "no empty store left behind");
        var sim = run("interp", "puzzles", "--simulator", "openai");
        assertEquals(2, sim.code());
        assertTrue(sim.err().contains("needs --llm-base-url and --llm-model"), sim.err());
        var feats = run("explain", "--store", tmp.resolve("x.db").toString(), "--dictionary", "sae", "--features", "3-1");
        assertEquals(2, feats.code());
        var few = run("interp", "run", "--store", tmp.resolve("x.db").toString(), "--dictionary", "sae", "--min-top-excerpts", "9");
        assertEquals(2, few.code());
        assertTrue(few.err().contains("--min-top-excerpts 9 must be >= 10"), few.err());
    }

    @Test
    void splitsAreConfigurable(@TempDir Path tmp) {
        Path db = tmp.resolve("loupe.db");
        try (FeatureStore s = FeatureStore.open(db)) {
            InterpStores.write(s, "sae", "standard");
        }
        // Feature 1 has 5 non-trivial top excerpts: skipped at 10 as at 20; the reason names the threshold given.
        var r = run("interp", "run", "--store", db.toString(), "--dictionary", "sae", "--threads", "1", "--min-top-excerpts", "10", "--random-only", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("skipped"), r.out());
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            long id = s.requireDictionary("sae").id();
            assertTrue(s.interpSkips(id, "builtin-stat").toString().contains("need 10"), s.interpSkips(id, "builtin-stat").toString());
        }
    }

    /**
     * analyze (loupe-1l's MLP neurons on a small Java corpus) → interp run with every scorer → score
     * with detection → report by scorer: the extra scores land in the store under their kinds.
     */
    @Test
    void extraScorersOnARealModel(@TempDir Path tmp) throws Exception {
        Path corpus = Files.createDirectories(tmp.resolve("corpus"));
        String[] words = {"count", "size", "index", "value", "name", "total"};
        for (int i = 0; i < 300; i++) {
            StringBuilder b = new StringBuilder("final class C" + i + " {\n");
            for (int k = 0; k < 40; k++) {
                String w = words[(i + k) % words.length];
                b.append(k % 3 == 0 ? "    int " + w + k + " = " + k + ";\n" : k % 3 == 1 ? "    if (" + w + " > 0) return " + w + ";\n" : "    // the " + w + " here\n");
            }
            Files.writeString(corpus.resolve("C" + i + ".java"), b.append("}\n").toString());
        }
        Path db = tmp.resolve("loupe.db");
        String model = Path.of("..", "models", "loupe-1l").toString(), dict = "random@blocks.0.mlp.hook_post";
        // 8 random directions (analyze's default seed 0): small and fast; analyze does not save them, so ablation gets the same ones as a file
        var a = run("analyze", "--model", model, "--store", db.toString(), "--baseline", "random", "--features", "8", "--hook", "blocks.0.mlp.hook_post",
                "--corpus", corpus.toString(), "--tokens", "4096", "--random-examples", "20", "--no-ablation");
        assertEquals(0, a.code(), a.err());
        Path directions = tmp.resolve("random.safetensors");
        dev.loupe.dictionary.Baselines.randomDirections(512, 8, 0).save(directions);

        var noModel = run("interp", "run", "--store", db.toString(), "--dictionary", dict, "--scorers", "detection,ablation");
        assertEquals(2, noModel.code());
        assertEquals("loupe: the ablation scorer needs --model DIR (the model dictionary " + dict + " was analysed on)", noModel.err().strip());
        var badScorer = run("interp", "run", "--store", db.toString(), "--dictionary", dict, "--scorers", "detection,ablate");
        assertEquals(2, badScorer.code());
        assertTrue(badScorer.err().contains("unknown scorer 'ablate'"), badScorer.err());

        var r = run("interp", "run", "--store", db.toString(), "--dictionary", dict, "--features", "0-3", "--threads", "2",
                "--min-top-excerpts", "10", "--random-only", "5", "--scorers", "simulation,detection,fuzzing,ablation", "--model", model, "--sae", directions.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("detection_auc") && r.out().contains("fuzzing_balanced_accuracy") && r.out().contains("ablation "), r.out());
        int withAblation = 0;
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            long id = s.requireDictionary(dict).id();
            for (int f = 0; f < 4; f++)
                for (var e : s.explanations(id, f)) {
                    var kinds = e.scores().stream().map(dev.loupe.store.Score::kind).toList();
                    assertTrue(kinds.containsAll(java.util.List.of("top_and_random", "detection_auc", "fuzzing_auc")), kinds.toString());
                    if (kinds.contains("ablation")) withAblation++;
                }
            assertTrue(withAblation > 0, "some features got an ablation score");
            assertTrue(s.interpSkips(id, "builtin-stat#ablation").values().stream().noneMatch(v -> v.startsWith("failed")), s.interpSkips(id, "builtin-stat#ablation").toString());
        }

        var sc = run("score", "--store", db.toString(), "--dictionary", dict, "--feature", "3", "--explanation", "the token \"count\"",
                "--min-top-excerpts", "10", "--scorers", "detection");
        assertEquals(0, sc.code(), sc.err());
        assertTrue(sc.out().matches("(?s)top_and_random +\\S+\nrandom_only +\\S+\ndetection_balanced_accuracy +\\S+\ndetection_auc .*"), sc.out());

        var rep = run("interp", "report", "--store", db.toString(), "--scorer", "ablation");
        assertEquals(0, rep.code(), rep.err());
        assertTrue(rep.out().startsWith("| basis | scored | skipped | failed | ablation score (95% CI) | undefined |"), rep.out());
        assertTrue(rep.out().contains("| " + dict + " (random) | " + withAblation + " |"), rep.out());
    }
}
