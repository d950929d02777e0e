// `loupe probe-data` and `loupe probe` end to end on the synthetic setting (precomputed
// activations, a PCA baseline as the dictionary) and on models/loupe-1l with a few Java chunks;
// bad input gives one line on stderr and the right exit code.
package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.ProbeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ProbeCommandsTest {
    private static SaeCommandsTest.Out run(String... args) { return SaeCommandsTest.run(args); }

    @Test
    void syntheticDatasetProbesNeuronsAndBaselineFeaturesIntoJsonPngAndStore(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("syn.jsonl"), out = tmp.resolve("out"), db = tmp.resolve("loupe.db");
        SaeCommandsTest.Out gen = run("probe-data", "--concept", "synthetic-monosemantic", "--examples", "120", "--seed", "3", "--out", data.toString());
        assertEquals(0, gen.code(), gen.err());
        int planted = Integer.parseInt(gen.out().replaceAll("(?s).*planted neuron (\\d+).*", "$1"));

        SaeCommandsTest.Out r = run("probe", "--dataset", data.toString(), "--dictionary", "pca:8", "--k", "1,2,all",
                "--methods", "optimal,f_stat", "--out", out.toString(), "--store", db.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("best k=1 neuron: " + planted + " "), r.out());
        assertTrue(r.out().matches("(?s).*neurons +optimal +1 .*\\[" + planted + "].*"), r.out());
        assertTrue(r.out().matches("(?s).*neurons +f_stat +24 .*"), "k=all is every neuron: " + r.out());

        JsonNode json = new ObjectMapper().readTree(out.resolve("probe.json").toFile());
        JsonNode cls = json.get("classes").get(0);
        assertEquals("synthetic-monosemantic", cls.get("name").asText());
        assertEquals(planted, cls.get("neurons").get("best_k1_check").get("unit").asInt());
        assertEquals(8, cls.get("features").get("units").asInt());
        assertEquals(5, cls.get("neurons").get("probes").size());   // optimal at k = 1, 2 (it stops at 8); f_stat at k = 1, 2, 24
        byte[] png = Files.readAllBytes(out.resolve("probe-synthetic-monosemantic.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');

        try (FeatureStore store = FeatureStore.open(db)) {
            List<ProbeResult> stored = store.probeResults("synthetic-monosemantic");
            // k <= 8 rows only: neurons 2 methods x k in {1, 2}; features (8 wide, so k = all = 8) 2 methods x k in {1, 2, 8}
            assertEquals(10, stored.size());
            assertTrue(stored.stream().anyMatch(p -> p.unitKind() == ProbeResult.UnitKind.FEATURE && p.dictionaryId() != 0));
            long model = store.models().getFirst().id();
            assertTrue(store.probesForNeuron(model, "precomputed", planted).stream().anyMatch(p -> p.k() == 1));
        }
    }

    @Test
    void javaConceptOnLoupe1l(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        for (int i = 0; i < 100; i++)   // the split holds out ~10% of files: enough files that some are held out
            Files.writeString(src.resolve("F" + i + ".java"), "package p;\n\nimport java.util.List;\nimport java.util.Map;\n\n/** Class " + i
                    + ". */\nclass F" + i + " {\n    String s = \"text " + i + "\";\n    List<String> names;\n}\n");
        Path data = tmp.resolve("import.jsonl");
        SaeCommandsTest.Out gen = run("probe-data", "--concept", "java-import", "--corpus", src.toString(), "--out", data.toString());
        assertEquals(0, gen.code(), gen.err());
        SaeCommandsTest.Out r = run("probe", "--dataset", data.toString(), "--model", "../models/loupe-1l", "--hook", "blocks.0.mlp.hook_post",
                "--k", "1,2", "--methods", "f_stat", "--test-fraction", "0.5", "--seed", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*java-import: \\d+ positive / \\d+ negative rows.*neurons +f_stat +2 .*"), r.out());
    }

    @Test
    void badInputIsOneLineWithExitCode(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"loupe_probe_dataset\": 1, \"concept\": \"c\", \"level\": \"token\", \"classes\": [\"a\", \"b\"]}\n{\"text\": 5}\n");
        SaeCommandsTest.Out r = run("probe", "--dataset", bad.toString());
        assertEquals(3, r.code());
        assertEquals(bad + " line 2: missing string field \"text\"", r.err().strip().replaceFirst("^loupe: ", ""));

        SaeCommandsTest.Out u = run("probe-data", "--concept", "java-nothing", "--out", tmp.resolve("x.jsonl").toString());
        assertEquals(2, u.code());
        assertTrue(u.err().strip().startsWith("loupe: unknown concept 'java-nothing'; known: java-javadoc"), u.err());
        assertFalse(u.err().strip().contains("\n"));

        SaeCommandsTest.Out k = run("probe", "--dataset", bad.toString(), "--k", "1,two");
        assertEquals(2, k.code());
        assertTrue(k.err().contains("--k value 'two' must be a whole number or 'all'"), k.err());
    }
}
