package dev.loupe.intervene;

import dev.loupe.activations.HarvestOptions;
import dev.loupe.activations.Harvester;
import dev.loupe.sae.train.ArraySource;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Hook;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.testutil.Shared;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Feature-space patching on the gpt2-tiny fixture (d_model 64) with exact and lossy dictionaries. */
class PatchingTest {
    static final String HOOK = "blocks.0.hook_resid_post";
    static Transformer model;
    static List<PromptTasks.Encoded> pairs;

    @BeforeAll static void setUp() {
        model = ModelLoader.load(Shared.path("fixtures/models/gpt2-tiny"));
        SplittableRandom r = new SplittableRandom(3);
        pairs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int[] base = r.ints(8, 0, 255).toArray(), target = base.clone();
            target[2] = (target[2] + 1 + r.nextInt(200)) % 255;   // the pair differs in one early token
            pairs.add(new PromptTasks.Encoded(base, target, 10 + i, 20 + i));
        }
    }

    static double directKl(int[] p, int[] q) {
        int V = model.config().vocab(), S = p.length;
        float[] lp = model.forward(new int[][]{p}).data(), lq = model.forward(new int[][]{q}).data();
        return Distributions.kl(Distributions.logSoftmax(lp, (S - 1) * V, V), Distributions.logSoftmax(lq, (S - 1) * V, V));
    }

    @Test void patchingEveryNeuronReproducesTheTargetExactly() {
        var c = Patching.greedy(model, HOOK, "neurons", Baselines.neuronBasis(64), pairs, new Patching.Options(64, 64, 64));
        double klBase = pairs.stream().mapToDouble(p -> directKl(p.base(), p.target())).average().orElseThrow();
        assertTrue(klBase > 1e-3, "the pairs must differ in output for the test to mean anything: " + klBase);
        assertEquals(klBase, c.steps().get(0).kl(), 1e-9, "F = ∅ is the base run");
        assertEquals(64, c.candidates());
        assertEquals(65, c.steps().size());
        assertEquals(0, c.steps().get(64).kl(), 1e-9, "all 64 neurons patched");
        assertEquals(0, c.klAll(), 1e-9);
        assertEquals(c.logitDiffTarget(), c.logitDiffAll(), 1e-4);
        assertNotEquals(c.logitDiffBase(), c.logitDiffTarget(), 1e-3);
        // the greedy order starts with the single feature of lowest KL: recompute it with an independent hook
        int j = c.steps().get(1).feature();
        double manual = 0;
        for (var p : pairs) manual += singlePatchKl(p, j) / pairs.size();
        assertEquals(manual, c.steps().get(1).kl(), 1e-6, "batched and single runs differ only by float rounding");
        for (int other : new int[]{0, 17, 63}) {
            double k = 0;
            for (var p : pairs) k += singlePatchKl(p, other) / pairs.size();
            assertTrue(k >= c.steps().get(1).kl() - 1e-6, "feature " + other + " would have been a better first pick");
        }
    }

    /** KL(patched ‖ target) with neuron {@code j} of the base run set to the target's value, by a hand-written hook. */
    private static double singlePatchKl(PromptTasks.Encoded p, int j) {
        float[] target = model.runWithCache(new int[][]{p.target()}, List.of(HOOK)).get(HOOK).data().clone();
        Hook h = (act, ctx) -> {
            var o = act.copy();
            for (int s = 0; s < p.base().length; s++) o.data()[s * 64 + j] = target[s * 64 + j];
            return o;
        };
        int V = model.config().vocab(), S = p.base().length;
        float[] lp = model.runWithHooks(new int[][]{p.base()}, Map.of(HOOK, h)).data(), lq = model.forward(new int[][]{p.target()}).data();
        return Distributions.kl(Distributions.logSoftmax(lp, (S - 1) * V, V), Distributions.logSoftmax(lq, (S - 1) * V, V));
    }

    @Test void fullPcaIsExactAndTruncatedPcaIsNot(@TempDir Path dir) throws Exception {
        int[][] fit = windows(64, 8);
        float[] rows = Harvester.collect(model, HOOK, fit, HarvestOptions.everyPosition(16));   // [64 * 8, 64]
        assertEquals(64 * 8 * 64, rows.length);
        Dictionary full = Baselines.pca(new ArraySource(rows, 64), 64 * 8, 64);
        Dictionary few = Baselines.pca(new ArraySource(rows, 64), 64 * 8, 8);
        var opt = new Patching.Options(4, 16, 16);
        var cFull = Patching.greedy(model, HOOK, "pca-64", full, pairs, opt);
        var cFew = Patching.greedy(model, HOOK, "pca-8", few, pairs, opt);
        assertEquals(0, cFull.klAll(), 1e-7, "PCA with every component is an exact basis");
        assertTrue(cFew.klAll() > 1e-4, "8 of 64 components leave part of the difference unpatched: " + cFew.klAll());
        assertEquals(5, cFull.steps().size());
        for (int i = 1; i < 5; i++) assertTrue(cFull.steps().get(i).editNorm() > 0);

        PatchReport.write(dir, List.of(cFull, cFew));
        var json = new ObjectMapper().readTree(dir.resolve("patch.json").toFile());
        assertEquals("pca-8", json.get(1).get("dictionary").asText());
        assertEquals(5, json.get(0).get("steps").size());
        assertTrue(Files.size(dir.resolve("kl_vs_k.png")) > 1000);
        assertTrue(Files.size(dir.resolve("kl_vs_edit.png")) > 1000);
    }

    private static int[][] windows(int n, int len) {
        SplittableRandom r = new SplittableRandom(5);
        int[][] w = new int[n][];
        for (int i = 0; i < n; i++) w[i] = r.ints(len, 0, 255).toArray();
        return w;
    }
}
