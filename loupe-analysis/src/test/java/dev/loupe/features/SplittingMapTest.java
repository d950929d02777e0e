// The feature-splitting map from SAE folders, on a planted family: a 4-feature SAE with random unit
// decoder rows in 16 dimensions and an 8-feature SAE whose rows are two perturbed copies of each
// small row (children), stored in a shuffled order. Each small feature's two best matches must be
// exactly its two children, with the cosines computed here from the planted vectors. Mismatched
// widths or hooks, sizes that do not increase and missing folders are one-line errors.
package dev.loupe.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.sae.Sae;
import dev.loupe.sae.SaeConfig;
import dev.loupe.sae.Saes;
import dev.loupe.sae.io.SaeLensFormat;
import dev.loupe.util.ConfigException;
import dev.loupe.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SplittingMapTest {
    static final int D = 16;
    static final int[] PERM = {5, 2, 7, 0, 3, 6, 1, 4};   // child c of small feature i sits at PERM[2i + c]

    static Sae sae(int features, float[][] rows, String hook, Path dir) {
        Sae s = Saes.init(new SaeConfig("standard", rows[0].length, features, 0, false, Map.of("hook_name", hook)), new Rng(1), 0);
        float[] w = s.param("W_dec").data();
        for (int f = 0; f < features; f++) System.arraycopy(rows[f], 0, w, f * rows[f].length, rows[f].length);
        SaeLensFormat.write(s, dir, null);
        return s;
    }

    static float[] unit(float[] v) {
        double n = 0;
        for (float x : v) n += x * x;
        float[] out = new float[v.length];
        for (int j = 0; j < v.length; j++) out[j] = (float) (v[j] / Math.sqrt(n));
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
    }

    @Test
    void eachSmallFeatureMapsToItsTwoChildren(@TempDir Path dir) throws Exception {
        Rng r = new Rng(7);
        float[][] small = new float[4][D], large = new float[8][D];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < D; j++) small[i][j] = (float) r.nextGaussian();
            small[i] = unit(small[i]);
            for (int c = 0; c < 2; c++) {
                float[] child = small[i].clone();
                for (int j = 0; j < D; j++) child[j] += 0.3f * (float) r.nextGaussian() / (float) Math.sqrt(D);
                large[PERM[2 * i + c]] = unit(child);
            }
        }
        sae(4, small, "blocks.0.hook_resid_post", dir.resolve("s4"));
        sae(8, large, "blocks.0.hook_resid_post", dir.resolve("s8"));
        Path out = dir.resolve("map.json");
        SplittingMap.write(List.of(dir.resolve("s4"), dir.resolve("s8")), 2, out);

        JsonNode json = new ObjectMapper().readTree(out.toFile());
        assertEquals(8, json.get("saes").get(1).get("d_features").asInt());
        JsonNode features = json.get("maps").get(0).get("features");
        assertEquals(4, features.size());
        for (int i = 0; i < 4; i++) {
            JsonNode m = features.get(i).get("matches");
            Set<Integer> got = new HashSet<>();
            for (JsonNode x : m) {
                int g = x.get("feature").asInt();
                got.add(g);
                assertEquals(dot(small[i], large[g]), x.get("cosine").asDouble(), 1e-5);
            }
            assertEquals(Set.of(PERM[2 * i], PERM[2 * i + 1]), got, "feature " + i + "'s children");
            assertTrue(m.get(0).get("cosine").asDouble() >= m.get(1).get("cosine").asDouble(), "best match first");
        }
    }

    @Test
    void clearErrors(@TempDir Path dir) {
        float[][] four = new float[4][D], eight = new float[8][D], narrow = new float[8][D / 2];
        for (int i = 0; i < 8; i++) { eight[i][i] = 1; narrow[i][i % (D / 2)] = 1; if (i < 4) four[i][i] = 1; }
        sae(4, four, "blocks.0.hook_resid_post", dir.resolve("a"));
        sae(8, eight, "blocks.1.hook_resid_post", dir.resolve("other-hook"));
        sae(8, narrow, "blocks.0.hook_resid_post", dir.resolve("narrow"));
        sae(8, eight, "blocks.0.hook_resid_post", dir.resolve("b"));
        Path out = dir.resolve("x.json");
        assertMessage("does not exist", List.of(dir.resolve("a"), dir.resolve("missing")), out);
        assertMessage("reads 8-wide activations but", List.of(dir.resolve("a"), dir.resolve("narrow")), out);
        assertMessage("trained on hook blocks.1.hook_resid_post", List.of(dir.resolve("a"), dir.resolve("other-hook")), out);
        assertMessage("smallest first", List.of(dir.resolve("b"), dir.resolve("a")), out);
        assertMessage("at least two", List.of(dir.resolve("a")), out);
        assertFalse(out.toFile().exists(), "nothing written on an error");
    }

    private static void assertMessage(String part, List<Path> dirs, Path out) {
        ConfigException e = assertThrows(ConfigException.class, () -> SplittingMap.write(dirs, 2, out));
        assertTrue(e.getMessage().contains(part) && !e.getMessage().contains("\n"), e.getMessage());
    }
}
