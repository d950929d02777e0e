package dev.loupe.intervene;

import dev.loupe.activations.HarvestOptions;
import dev.loupe.activations.Harvester;
import dev.loupe.sae.train.ArraySource;
import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Hook;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Direct logit attribution on models/loupe-1l's final residual stream (blocks.0.hook_resid_post). */
class LogitAttributionTest {
    static final String RESID = "blocks.0.hook_resid_post";

    static int[] prompt() { return TestModels.loupe1lTokenizer().encode("public static void main(String[] args) {", true); }

    static double total(LogitAttribution.Result r) { return r.featureSum() + r.error() + r.offset() + r.normBias(); }

    @Test void termsAddUpToTheLogitForExactAndLossyDictionaries() {
        Transformer m = TestModels.loupe1l();
        var exact = LogitAttribution.attribute(m, RESID, Baselines.neuronBasis(128), prompt(), -1, -1, 5);
        assertEquals(exact.logit(), total(exact), 1e-3 * Math.max(1, Math.abs(exact.logit())));
        assertEquals(0, exact.error(), 1e-4);
        assertEquals(0, exact.offset(), 1e-9);
        float[] logits = m.forward(new int[][]{prompt()}).data();
        int last = prompt().length - 1;
        assertEquals(dev.loupe.model.Sampling.argmax(logits, last * 4096, 4096), exact.token(), "default token: the top prediction");

        float[] rows = Harvester.collect(m, RESID, new int[][]{prompt(), TestModels.loupe1lTokenizer().encode("int x = 0; int y = 1; long z = 2L;", true)},
                HarvestOptions.everyPosition(4));   // [n, 128]
        Dictionary pca = Baselines.pca(new ArraySource(rows, 128), rows.length / 128, 8);
        var lossy = LogitAttribution.attribute(m, RESID, pca, prompt(), 3, 100, 5);
        assertEquals(lossy.logit(), total(lossy), 1e-3 * Math.max(1, Math.abs(lossy.logit())));
        assertTrue(Math.abs(lossy.error()) > 1e-3, "8 PCA components leave an error term");
        assertTrue(Math.abs(lossy.offset()) > 1e-6, "the PCA mean is an offset term");
        assertEquals(lossy.logit(), logits[3 * 4096 + 100], 1e-6);
    }

    @Test void aFeaturesContributionIsTheLogitSlopeAlongItsDirectionWithTheNormScaleFrozen() {
        Transformer m = TestModels.loupe1l();
        Dictionary dict = Baselines.randomDirections(128, 64, 3);
        var r = LogitAttribution.attribute(m, RESID, dict, prompt(), -1, -1, 3);
        var c = r.top().get(0);
        assertTrue(c.code() > 0 && c.logit() > 0);
        assertTrue(r.bottom().get(0).logit() < 0);
        int[][] ids = {prompt()};
        float[] scale = m.runWithCache(ids, List.of("ln_final.hook_scale")).get("ln_final.hook_scale").data().clone();
        float[] dir = dict.direction(c.feature());
        Hook freeze = (a, ctx) -> new Tensor(scale.clone(), a.shape());
        double eps = 0.5;
        Hook push = (a, ctx) -> {
            Tensor o = a.copy();
            for (int s = 0; s < ids[0].length; s++) for (int k = 0; k < 128; k++) o.data()[s * 128 + k] += (float) (eps * dir[k]);
            return o;
        };
        float[] base = m.runWithHooks(ids, Map.of("ln_final.hook_scale", freeze)).data();
        float[] moved = m.runWithHooks(ids, Map.of("ln_final.hook_scale", freeze, RESID, push)).data();
        int off = r.position() * 4096 + r.token();
        double slope = (moved[off] - base[off]) / eps;
        assertEquals(slope * c.code(), c.logit(), 1e-3 * Math.max(1, Math.abs(c.logit())));
    }
}
