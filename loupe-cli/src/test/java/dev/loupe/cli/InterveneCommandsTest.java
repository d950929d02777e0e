package dev.loupe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code loupe steer / patch / ablate / trace} end to end, in-process, on models/loupe-1l with a small corpus. */
class InterveneCommandsTest {
    static final String MODEL = Path.of("..", "models", "loupe-1l").toString();
    @TempDir static Path tmp;
    static String corpus;

    @BeforeAll static void corpus() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("corpus"));
        StringBuilder sb = new StringBuilder("public final class Sums {\n");
        for (int i = 0; i < 40; i++)
            sb.append("    static int sum").append(i).append("(int[] values) {\n        int s = 0;\n        for (int i = 0; i < values.length; i++) s += values[i];\n        return s;\n    }\n");
        Files.writeString(dir.resolve("Sums.java"), sb.append("}\n"));
        corpus = dir.toString();
    }

    @Test void steerPrintsBothCompletions() {
        String[] r = MainTest.run("steer", "--model", MODEL, "--hook", "blocks.0.hook_resid_mid", "--baseline", "neurons",
                "--edit", "3+60", "--prompt", "public static int ", "--max-new", "8");
        assertEquals("0", r[0], r[2]);
        String[] lines = r[1].split("\n");
        assertTrue(lines[1].startsWith("unsteered") && lines[2].startsWith("steered"), r[1]);
        assertNotEquals(lines[1].substring(11), lines[2].substring(11, lines[2].indexOf("   [")));
    }

    @Test void patchWritesOneCurvePerDictionary() throws Exception {
        Path out = tmp.resolve("patch");
        String[] r = MainTest.run("patch", "--model", MODEL, "--hook", "blocks.0.hook_resid_mid", "--task", Path.of("..", "tasks", "loupe-1l-brackets.jsonl").toString(),
                "--baseline", "neurons", "--baseline", "pca", "--corpus", corpus, "--fit-windows", "8", "--max-features", "2", "--candidates", "6", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        var json = new ObjectMapper().readTree(out.resolve("patch.json").toFile());
        assertEquals(2, json.size());
        assertEquals("neurons", json.get(0).get("dictionary").asText());
        assertEquals("pca-128", json.get(1).get("dictionary").asText());
        assertEquals(0, json.get(0).get("klAll").asDouble(), 1e-6, "neuron basis: all features reproduce the target");
        assertEquals(0, json.get(1).get("klAll").asDouble(), 1e-4, "full PCA: all features reproduce the target");
        assertTrue(Files.size(out.resolve("kl_vs_k.png")) > 1000 && Files.size(out.resolve("kl_vs_edit.png")) > 1000);
    }

    @Test void ablatePrintsOneRowPerFeature() {
        String[] r = MainTest.run("ablate", "--model", MODEL, "--hook", "blocks.0.mlp.hook_post", "--baseline", "neurons", "--features", "3,100",
                "--prompt", "for (int i = 0; i < n; i++) sum += a[i];");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("zero ablation over 1 prompts"), r[1]);
        assertTrue(r[1].lines().anyMatch(l -> l.trim().startsWith("100 ")), r[1]);
        r = MainTest.run("ablate", "--model", MODEL, "--hook", "blocks.0.mlp.hook_post", "--baseline", "neurons", "--features", "3", "--method", "half");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--method must be zero, mean or resample"), r[2]);
    }

    @Test void traceDoesTreesAndLogitAttribution() throws Exception {
        String[] r = MainTest.run("trace", "--model", MODEL, "--hook", "blocks.0.hook_resid_post", "--baseline", "neurons",
                "--prompt", "public static void main(String[] args");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("logit of"), r[1]);
        Path out = tmp.resolve("tree");
        r = MainTest.run("trace", "--model", MODEL, "--hook", "blocks.0.mlp.hook_post", "--baseline", "neurons", "--feature", "3",
                "--upstream", "blocks.0.hook_resid_mid=neurons", "--corpus", corpus, "--windows", "4", "--contexts", "4", "--candidates", "8", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(Files.exists(out.resolve("tree.json")) && Files.exists(out.resolve("tree.dot")) && Files.exists(out.resolve("tree.png")));
    }

    @Test void dictionaryChoiceErrors() {
        String[] r = MainTest.run("steer", "--model", MODEL, "--hook", "blocks.0.hook_resid_mid", "--edit", "1+1", "--prompt", "x");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--sae DIR or --baseline"), r[2]);
        r = MainTest.run("steer", "--model", MODEL, "--hook", "blocks.0.hook_resid_mid", "--baseline", "kmeans", "--edit", "1+1", "--prompt", "x");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--baseline must be one of neurons, pca, ica, random"), r[2]);
        r = MainTest.run("steer", "--model", MODEL, "--hook", "blocks.0.hook_resid_mid", "--sae", "no-such-dir", "--edit", "1+1", "--prompt", "x");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("no-such-dir"), r[2]);
        r = MainTest.run("trace", "--model", MODEL, "--hook", "blocks.0.hook_resid_post", "--baseline", "neurons");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("exactly one of --feature"), r[2]);
    }
}
