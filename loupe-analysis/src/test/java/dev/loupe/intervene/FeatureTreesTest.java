package dev.loupe.intervene;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.dictionary.Baselines;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tensor.Tensor;
import dev.loupe.testutil.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A planted two-layer setting on the gpt2-tiny fixture (d_model 64, d_mlp 256): even tokens embed with
 * a large component on residual dimension U, and layer 1's MLP neuron N reads only dimension U. The tree
 * of neuron N must find U at blocks.0.hook_resid_post as its top parent, and the embedding's dimension U
 * as U's top parent one level further down.
 */
class FeatureTreesTest {
    static final int U = 5, N = 7;

    static Transformer planted() {
        Transformer base = ModelLoader.load(Shared.path("fixtures/models/gpt2-tiny"));
        Map<String, Tensor> w = new LinkedHashMap<>();
        base.weights().forEach((k, v) -> w.put(k, v.copy()));
        float[] we = w.get("embed.W_E").data();
        for (int t = 0; t < 256; t += 2) we[t * 64 + U] = 4f;
        float[] win = w.get("blocks.1.mlp.W_in").data();                 // [64, 256]
        for (int k = 0; k < 64; k++) win[k * 256 + N] = k == U ? 1f : 0f;
        w.get("blocks.1.mlp.b_in").data()[N] = 0f;
        return Transformer.create(base.config(), w);
    }

    @Test void findsThePlantedParentAndGrandparent(@TempDir Path dir) throws Exception {
        Transformer m = planted();
        SplittableRandom r = new SplittableRandom(11);
        int[][] windows = new int[6][];
        for (int i = 0; i < windows.length; i++) windows[i] = r.ints(12, 0, 256).toArray();
        var sites = List.of(new Site("mlp1", "blocks.1.mlp.hook_post", Baselines.neuronBasis(256)),
                new Site("resid0", "blocks.0.hook_resid_post", Baselines.neuronBasis(64)),
                new Site("embed", "hook_embed", Baselines.neuronBasis(64)));
        var root = FeatureTrees.trace(m, windows, sites, N, new FeatureTrees.Options(16, 2, 2, 16));
        assertEquals(N, root.feature());
        assertTrue(root.maxActivation() > 1, "the planted neuron fires: " + root.maxActivation());
        assertEquals(16, root.contexts());
        var parent = root.children().get(0);
        assertEquals(U, parent.feature(), "top parent");
        assertEquals("resid0", parent.site());
        if (root.children().size() > 1) assertTrue(parent.drop() > 5 * root.children().get(1).drop(), "the planted parent dominates");
        assertTrue(parent.drop() > root.maxActivation() / 4, "ablating the parent removes most of the activation: " + parent.drop());
        assertEquals(U, parent.children().get(0).feature(), "grandparent: the embedding's dimension U");
        assertEquals("embed", parent.children().get(0).site());
        assertTrue(parent.children().get(0).children().isEmpty(), "depth 2 stops there");

        TreeReport.write(dir, root);
        var json = new ObjectMapper().readTree(dir.resolve("tree.json").toFile());
        assertEquals(U, json.get("children").get(0).get("feature").asInt());
        String dot = java.nio.file.Files.readString(dir.resolve("tree.dot"));
        assertTrue(dot.startsWith("digraph") && dot.contains("resid0 #" + U) && dot.contains(" -> n0"), dot);
        var img = ImageIO.read(dir.resolve("tree.png").toFile());
        assertTrue(img.getWidth() >= 240 && img.getHeight() > 150);
    }

    @Test void tooDeepForTheSitesIsAOneLineError() {
        var sites = List.of(new Site("mlp1", "blocks.1.mlp.hook_post", Baselines.neuronBasis(256)));
        var e = assertThrows(dev.loupe.util.ConfigException.class,
                () -> FeatureTrees.trace(planted(), new int[][]{{1, 2}}, sites, 0, new FeatureTrees.Options(4, 2, 1, 8)));
        assertTrue(e.getMessage().contains("depth 1 needs 2 sites"), e.getMessage());
    }
}
