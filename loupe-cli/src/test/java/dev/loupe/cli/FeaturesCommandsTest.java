package dev.loupe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** loupe analyze (neuron basis of loupe-1l on a small text directory) → loupe features dicts/list/show/search, and their error paths. */
class FeaturesCommandsTest {
    static final String MODEL = Path.of("..", "models", "loupe-1l").toString();

    @Test void analyzeThenQuery(@TempDir Path dir) throws Exception {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        for (int i = 0; i < 300; i++)
            Files.writeString(corpus.resolve("Doc" + i + ".java"), ("public final class Doc" + i + " {\n    private int count" + i + " = " + i
                    + ";\n    public int count() { return count" + i + "; }\n}\n").repeat(12));
        String store = dir.resolve("loupe.db").toString();
        String[] a = LmCommandsTest.run("analyze", "--model", MODEL, "--store", store, "--baseline", "neurons", "--hook", "blocks.0.mlp.hook_post",
                "--corpus", corpus.toString(), "--tokens", "1024");
        assertEquals("0", a[0], a[2]);
        assertTrue(a[1].contains("analyzed neurons@blocks.0.mlp.hook_post (neurons, 512 features)") && a[1].contains("ablation exact"), a[1]);
        // The random-weights control is its own model and dictionary, with different statistics.
        String[] r = LmCommandsTest.run("analyze", "--model", MODEL, "--store", dir.resolve("random.db").toString(), "--baseline", "neurons", "--hook", "blocks.0.mlp.hook_post",
                "--corpus", corpus.toString(), "--tokens", "1024", "--random-weights", "3", "--no-ablation");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("analyzed neurons@blocks.0.mlp.hook_post@random-weights"), r[1]);
        assertNotEquals(a[1].replaceAll("(?s)time:.*", ""), r[1].replaceAll("(?s)time:.*", "").replace("@random-weights", ""), "re-initialised weights give other activations");

        String[] d = LmCommandsTest.run("features", "--store", store, "dicts");
        assertEquals("0", d[0], d[2]);
        assertTrue(d[1].contains("neurons@blocks.0.mlp.hook_post") && d[1].contains("yes"), d[1]);
        String[] l = LmCommandsTest.run("features", "--store", store, "list", "--sort", "max_act", "--limit", "3");
        assertEquals("0", l[0], l[2]);
        assertEquals(4, l[1].strip().split("\n").length, l[1]);            // header + 3 rows
        String first = l[1].strip().split("\n")[1].strip().split("\\s+")[0];
        String[] s = LmCommandsTest.run("features", "--store", store, "show", first);
        assertEquals("0", s[0], s[2]);
        for (String part : new String[] {"density", "top tokens", "direct logits", "ablation logits", "top examples", "nearest by decoder cosine"})
            assertTrue(s[1].contains(part), part + " in\n" + s[1]);
        String[] q = LmCommandsTest.run("features", "--store", store, "search", "count");
        assertEquals("0", q[0], q[2]);
        assertTrue(q[1].contains("example"), q[1]);
    }

    @Test void clearErrors(@TempDir Path dir) {
        String[] both = LmCommandsTest.run("analyze", "--model", MODEL, "--store", dir.resolve("x.db").toString(), "--baseline", "neurons",
                "--sae", dir.toString(), "--hook", "blocks.0.mlp.hook_post");
        assertEquals("2", both[0]);
        assertTrue(both[2].contains("exactly one of --sae DIR or --baseline"), both[2]);
        String[] hook = LmCommandsTest.run("analyze", "--model", MODEL, "--store", dir.resolve("x.db").toString(), "--baseline", "neurons", "--hook", "blocks.9.nope");
        assertEquals("2", hook[0]);
        assertTrue(hook[2].contains("has no hook 'blocks.9.nope'"), hook[2]);
        String[] missing = LmCommandsTest.run("features", "--store", dir.resolve("none.db").toString(), "list");
        assertEquals("2", missing[0]);
        assertTrue(missing[2].contains("does not exist"), missing[2]);
        assertFalse(Files.exists(dir.resolve("none.db")), "a query never creates a store");
    }

    /** A standard SAE with random directions written as a SAELens folder. */
    private static Path sae(Path dir, int dIn, int features) {
        var s = dev.loupe.sae.Saes.init(dev.loupe.sae.SaeConfig.of("standard", dIn, features, 0, false), new dev.loupe.util.Rng(features), 0);
        dev.loupe.sae.io.SaeLensFormat.write(s, dir, null);
        return dir;
    }

    @Test void splittingMap(@TempDir Path dir) throws Exception {
        String a = sae(dir.resolve("s4"), 16, 4).toString(), b = sae(dir.resolve("s8"), 16, 8).toString(), c = sae(dir.resolve("s16"), 16, 16).toString();
        Path out = dir.resolve("split.json");
        String[] ok = LmCommandsTest.run("analyze", "--splitting", a + "," + b + "," + c, "--out", out.toString(), "--matches", "2");
        assertEquals("0", ok[0], ok[2]);
        assertTrue(ok[1].contains("3 SAEs (2 pairs, 2 matches per feature)"), ok[1]);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toFile());
        assertEquals(8, json.get("maps").get(1).get("features").size(), "the second map covers the 8-feature SAE");
        assertEquals(2, json.get("maps").get(0).get("features").get(3).get("matches").size());

        String[] noOut = LmCommandsTest.run("analyze", "--splitting", a + "," + b);
        assertEquals("2", noOut[0]);
        assertTrue(noOut[2].contains("--splitting needs --out"), noOut[2]);
        String[] wide = LmCommandsTest.run("analyze", "--splitting", a + "," + sae(dir.resolve("w8"), 32, 8), "--out", out.toString());
        assertEquals("2", wide[0]);
        assertTrue(wide[2].contains("reads 32-wide activations"), wide[2]);
        String[] missing = LmCommandsTest.run("analyze", "--splitting", a + "," + dir.resolve("nope"), "--out", out.toString());
        assertEquals("2", missing[0]);
        assertTrue(missing[2].contains("does not exist"), missing[2]);
        String[] bare = LmCommandsTest.run("analyze", "--store", dir.resolve("x.db").toString());
        assertEquals("2", bare[0]);
        assertTrue(bare[2].contains("analyze needs --model, --store and --hook"), bare[2]);
    }

    @Test void benchAnalyzeReportsEveryPart() {
        String[] r = LmCommandsTest.run("bench", "analyze", "--model", MODEL, "--random", "2x64", "--hook", "blocks.0.hook_resid_post",
                "--features", "64", "--tokens", "512");
        assertEquals("0", r[0], r[2]);
        for (String part : new String[] {"harvest (forward to the hook)", "ablation sample (", "encode", "statistics", "direct logit tables",
                "ablation effect", "neighbours", "rows to the store", "commit", "analysis / harvest", "in process CPU seconds", "encode / forward = 0."})
            assertTrue(r[1].contains(part), part + " in\n" + r[1]);
        assertTrue(r[1].contains("ablation direct-path"), "a hook before the last block: direct-path ablation\n" + r[1]);
        assertTrue(r[1].contains("from 4 windows"), "512 tokens = 4 windows, all in the ablation sample\n" + r[1]);
    }
}
