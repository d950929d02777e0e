package dev.loupe.cli;

import dev.loupe.activations.HarvestManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** harvest → train-sae (sweep) → eval-sae (splice, frontier) on models/loupe-1l and a small made-up Java corpus. */
class HarvestCommandsTest {
    static final Path MODEL = Path.of("..", "models", "loupe-1l");
    static final String HOOK = "blocks.0.mlp.hook_post";

    record Out(int code, String out, String err) {}

    static Out run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.run(args, new PrintWriter(o, true), new PrintWriter(e, true));
        return new Out(code, o.toString(), e.toString());
    }

    static Path corpus(Path tmp) throws IOException {
        Path dir = tmp.resolve("corpus");
        Files.createDirectories(dir);
        for (int i = 0; i < 300; i++)
            Files.writeString(dir.resolve("F" + i + ".java"), "package demo;\n\npublic class F" + i + " {\n    private int count = " + i
                    + ";\n\n    public int next() {\n        return count++ * " + (i % 7) + ";\n    }\n\n    @Override\n    public String toString() {\n        return \"F" + i + "(\" + count + \")\";\n    }\n}\n");
        return dir;
    }

    @Test
    void harvestTrainSweepAndSpliceEval(@TempDir Path tmp) throws IOException {
        Path corpus = corpus(tmp), acts = tmp.resolve("acts"), sweep = tmp.resolve("sweep");
        String[] harvest = {"harvest", "--model", MODEL.toString(), "--hook", HOOK, "--corpus", corpus.toString(), "--tokens", "1024",
                "--context", "32", "--rows-per-shard", "256", "--dtype", "f16", "--out", acts.toString()};
        Out h = run(harvest);
        assertEquals(0, h.code(), h.err());
        var m = HarvestManifest.read(acts);
        assertTrue(m.complete());
        assertEquals(4, m.shards().size());
        assertEquals(512, m.dIn().get(HOOK));
        assertEquals(32 * 31, m.rows(HOOK));             // BOS dropped from each of the 32 windows
        Out again = run(harvest);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already complete") && again.out().contains("this run 0 tokens"), again.out());

        Out t = run("train-sae", "--activations", acts.toString(), "--hook", HOOK, "--ratio", "1", "--sweep-alpha", "0.5,5",
                "--set", "batchSize=128", "--set", "geometricMedianSamples=128", "--epochs", "1", "--shuffle-buffer", "1000", "--out", sweep.toString());
        assertEquals(0, t.code(), t.err());
        Path a = sweep.resolve("sae_a0.5_r1"), b = sweep.resolve("sae_a5.0_r1");
        assertTrue(Files.isRegularFile(a.resolve("sae_weights.safetensors")), t.out());
        assertTrue(Files.readString(b.resolve("cfg.json")).contains("\"hook_name\" : \"" + HOOK + "\""));
        assertTrue(t.out().contains("8 steps of 128 rows"), t.out());   // ⌈992 rows / 128⌉

        Path png = tmp.resolve("frontier.png");
        Out e = run("eval-sae", a.toString(), b.toString(), "--activations", acts.toString(), "--model", MODEL.toString(),
                "--corpus", corpus.toString(), "--windows", "2", "--context", "32", "--rows", "500", "--frontier", png.toString(), "--json", tmp.resolve("e.json").toString());
        assertEquals(0, e.code(), e.err());
        assertEquals(2, e.out().lines().filter(l -> l.startsWith("CE recov.")).count(), e.out());
        assertTrue(e.out().contains("rows       500"), e.out());
        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
        assertTrue(Files.readString(tmp.resolve("e.json")).contains("ceRecovered"));
    }

    @Test
    void badArgumentsAreOneLineErrors(@TempDir Path tmp) throws IOException {
        Path corpus = corpus(tmp);
        Out h = run("harvest", "--model", MODEL.toString(), "--hook", "blocks.3.mlp.hook_post", "--corpus", corpus.toString(), "--tokens", "100", "--out", tmp.resolve("a").toString());
        assertEquals(2, h.code());
        assertTrue(h.err().contains("blocks.3.mlp.hook_post") && h.err().lines().count() == 1, h.err());
        Out d = run("harvest", "--model", MODEL.toString(), "--hook", HOOK, "--tokens", "100", "--dtype", "f8", "--out", tmp.resolve("b").toString());
        assertEquals(2, d.code());
        assertTrue(d.err().contains("--dtype"), d.err());
        Out c = run("harvest", "--model", MODEL.toString(), "--hook", HOOK, "--corpus", corpus.toString(), "--tokens", "100", "--context", "500", "--out", tmp.resolve("c").toString());
        assertEquals(2, c.code());
        assertTrue(c.err().contains("context 500"), c.err());
        Out t = run("train-sae", "--activations", tmp.resolve("nothing").toString(), "--hook", HOOK, "--out", tmp.resolve("s").toString());
        assertNotEquals(0, t.code());
        assertTrue(t.err().contains("manifest.json"), t.err());
    }

    @Test
    void benchHarvestReportsThroughputAgainstTheForwardAndHeap() {
        Out b = run("bench", "harvest", "--model", dev.loupe.testutil.Shared.path("fixtures/models/gpt2-tiny").toString(),
                "--hook", "blocks.0.hook_resid_post", "--batch", "2", "--seq", "16", "--tokens", "64");
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("of the forward stopped at the hook's block") && b.out().contains("peak heap after GC"), b.out());
        assertTrue(b.out().contains("harvesting 256 tokens"), b.out());
    }
}
