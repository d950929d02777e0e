package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BenchCommandTest {
    @Test
    void kernelsJsonLinesHaveTheDocumentedKeys() throws Exception {
        String[] r = MainTest.run("bench", "kernels", "--json", "--quick", "--threads", "1,2",
                "--backends", "java,scalar", "--shapes", "8x16x24,1x32x40");
        assertEquals("0", r[0], r[2]);
        List<String> lines = r[1].lines().filter(l -> !l.isBlank()).toList();
        assertEquals(2 * 3 * 2 * 2, lines.size(), r[1]);  // shapes × ops × threads × backends
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode o = json.readTree(line);
            for (String key : new String[]{"backend", "op", "m", "k", "n", "threads", "gflops", "pct_of_openblas"}) {
                assertTrue(o.has(key), "missing " + key + " in " + line);
            }
            assertTrue(List.of("java-vector", "scalar").contains(o.get("backend").asText()), line);
            assertTrue(List.of("AB", "ABt", "AtB").contains(o.get("op").asText()), line);
            assertTrue(o.get("gflops").asDouble() > 0, line);
            assertTrue(o.get("pct_of_openblas").isNull(), "no OpenBLAS in this run: " + line);
        }
    }

    @Test
    void tableHasAHeaderAndOneRowPerMeasurement() {
        String[] r = MainTest.run("bench", "kernels", "--quick", "--threads", "1", "--backends", "scalar", "--shapes", "4x4x4");
        assertEquals("0", r[0], r[2]);
        List<String> lines = r[1].lines().toList();
        assertTrue(lines.getFirst().contains("GFLOP/s"), r[1]);
        assertEquals(1 + 3, lines.size(), r[1]);
    }

    @Test
    void badInputsAreOneLineErrors() {
        String[] r = MainTest.run("bench", "kernels", "--backends", "cuda");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("cuda"), r[2]);
        r = MainTest.run("bench", "kernels", "--shapes", "8x8");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("8x8"), r[2]);
        r = MainTest.run("bench", "kernels", "--threads", "0");
        assertEquals("2", r[0]);
    }

    @Test
    void benchAlonePrintsItsSubcommands() {
        String[] r = MainTest.run("bench");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("kernels"), r[1]);
    }

    @Test
    void forwardJsonReportsThroughputAndCeiling() throws Exception {
        String model = dev.loupe.testutil.Shared.path("fixtures/models/gpt2-tiny").toString();
        String[] r = MainTest.run("bench", "forward", "--model", model, "--batch", "2", "--seq", "16", "--runs", "1", "--json");
        assertEquals("0", r[0], r[2]);
        var j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r[1].strip());
        for (String k : new String[]{"tokens_per_s", "gflops", "ceiling_gflops", "fraction_of_ceiling"})
            assertTrue(j.get(k).asDouble() > 0, k + " in " + r[1]);
        assertEquals(2, j.get("batch").asInt());
        r = MainTest.run("bench", "forward", "--model", model, "--seq", "1000");
        assertEquals("2", r[0], r[2]);
        r = MainTest.run("bench", "forward", "--random", "1x128", "--batch", "1", "--seq", "8", "--runs", "1", "--json");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("random-gpt2-1x128"), r[1]);
        r = MainTest.run("bench", "forward", "--random", "12by768");
        assertEquals("2", r[0], r[2]);
        r = MainTest.run("bench", "forward", "--model", model, "--batch", "1", "--seq", "8", "--runs", "1", "--threads", "1", "--json");
        assertEquals("0", r[0], r[2]);
        assertEquals(1, new com.fasterxml.jackson.databind.ObjectMapper().readTree(r[1].strip()).get("threads").asInt());
        r = MainTest.run("bench", "forward", "--model", model, "--batch", "1", "--seq", "8", "--runs", "1", "--prefill", "--json");
        assertEquals("0", r[0], r[2]);
        assertEquals("prefill", new com.fasterxml.jackson.databind.ObjectMapper().readTree(r[1].strip()).get("mode").asText());
        r = MainTest.run("bench", "forward", "--model", model, "--batch", "1", "--seq", "8", "--runs", "1", "--profile");
        assertEquals("0", r[0], r[2]);
        for (String part : new String[]{"profile (ms/forward", "projections", "mlp", "unembed", "attention", "other", "total"})
            assertTrue(r[1].contains(part), part + " in " + r[1]);
        r = MainTest.run("bench", "forward", "--model", model, "--threads", "0");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("--threads"), r[2]);
    }

    @Test
    void saeJsonReportsBothArchitecturesAgainstTheCeiling() throws Exception {
        String[] r = MainTest.run("bench", "sae", "--d-in", "16", "--d-sae", "64", "--batch", "32", "--k", "4",
                "--warmup", "1", "--runs", "1", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1].strip());
        assertEquals(2, j.get("runs").size(), r[1]);
        for (JsonNode run : j.get("runs"))
            for (String k : new String[]{"ms_per_step", "gflops", "ceiling_gflops", "fraction_of_ceiling"})
                assertTrue(run.get(k).asDouble() > 0, k + " in " + r[1]);
        assertEquals(10.0 * 32 * 16 * 64, j.get("runs").get(0).get("flops_per_step").asDouble(), 1e-6, r[1]);
        assertTrue(j.get("topk_over_standard_time").asDouble() > 0, r[1]);
        r = MainTest.run("bench", "sae", "--arch", "gated");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("gated"), r[2]);
    }

    @Test
    void trainLmJsonReportsThroughputAndCeiling() throws Exception {
        String[] r = MainTest.run("bench", "train-lm", "--batch", "1", "--warmup", "1", "--runs", "1", "--steps", "1", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1].strip());
        for (String k : new String[]{"tokens_per_s", "gflops", "ceiling_gflops", "fraction_of_ceiling", "gemm_ms", "forward_backward_ms"})
            assertTrue(j.get(k).asDouble() > 0, k + " in " + r[1]);
        assertEquals(128, j.get("context").asInt());
        // at least --warmup steps, then until the JIT was quiet for 10 steps: at least 10 even with --warmup 1
        int warm = j.get("warmup_steps").asInt();
        assertTrue(warm >= 10 && warm <= 300, "warmup_steps " + warm);
        r = MainTest.run("bench", "train-lm", "--threads", "0");
        assertEquals("2", r[0], r[2]);
    }
}
