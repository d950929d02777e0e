package dev.loupe.sae.eval;

import dev.loupe.activations.HarvestOptions;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tensor.Tensor;
import dev.loupe.testutil.Shared;
import dev.loupe.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Splicing on the gpt2-tiny fixture at blocks.0.hook_resid_post (d_model 64). */
class SpliceEvalTest {
    static final String HOOK = "blocks.0.hook_resid_post";

    /** encode = decode = identity (scaled by s): s = 1 reconstructs exactly. */
    static Dictionary scaled(float s) {
        return new Dictionary() {
            public int dIn() { return 64; }
            public int dFeatures() { return 64; }
            public Tensor encode(Tensor x) { return x.copy(); }
            public Tensor decode(Tensor c) {
                float[] y = c.data().clone();
                for (int i = 0; i < y.length; i++) y[i] *= s;
                return new Tensor(y, c.shape());
            }
            public float[] direction(int i) { float[] e = new float[64]; e[i] = 1; return e; }
            public String kind() { return "identity"; }
        };
    }

    static int[][] windows() {
        Rng r = new Rng(3);
        int[][] w = new int[5][12];
        for (int[] row : w) { row[0] = 255; for (int i = 1; i < row.length; i++) row[i] = r.nextInt(255); }
        return w;
    }

    @Test
    void identityDictionaryRecoversAllLossWithZeroKl() {
        Transformer model = ModelLoader.load(Shared.path("fixtures/models/gpt2-tiny"));
        var opts = HarvestOptions.defaults().withBatchSize(2).withSpecialIds(255);
        var r = SpliceEval.evaluate(model, HOOK, scaled(1), windows(), opts);
        assertEquals(r.cleanLoss(), r.splicedLoss(), 0.0);
        assertEquals(1.0, r.ceRecovered(), 0.0);
        assertEquals(0.0, r.klSpliced(), 0.0);
        assertTrue(r.klZero() > 0);
        assertNotEquals(r.cleanLoss(), r.zeroLoss());
        // clean loss is the model's own loss of the windows
        assertEquals(Transformer.loss(model.forward(windows()), windows()), r.cleanLoss(), 1e-6);

        // a shrunken reconstruction lies between clean and zero-ablated
        var half = SpliceEval.evaluate(model, HOOK, scaled(0.5f), windows(), opts);
        assertTrue(half.klSpliced() > 0);
        assertTrue(half.ceRecovered() < 1);
        assertEquals((half.zeroLoss() - half.splicedLoss()) / (half.zeroLoss() - half.cleanLoss()), half.ceRecovered(), 1e-12);
        // s = 0 is zero ablation itself
        var none = SpliceEval.evaluate(model, HOOK, scaled(0f), windows(), opts);
        assertEquals(0.0, none.ceRecovered(), 1e-12);
        assertEquals(none.klZero(), none.klSpliced(), 1e-12);
    }
}
