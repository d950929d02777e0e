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
}
