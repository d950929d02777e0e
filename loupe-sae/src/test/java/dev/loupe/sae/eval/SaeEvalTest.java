package dev.loupe.sae.eval;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.sae.train.ArraySource;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SaeEvalTest {
    /** Keeps the first coordinate only: codes [x0, 0], x̂ = (c0, 0). */
    static final Dictionary FIRST = new Dictionary() {
        public int dIn() { return 2; }
        public int dFeatures() { return 2; }
        public Tensor encode(Tensor x) {
            float[] c = new float[x.dim(0) * 2];
            for (int b = 0; b < x.dim(0); b++) c[b * 2] = x.data()[b * 2];
            return new Tensor(c, x.dim(0), 2);
        }
        public Tensor decode(Tensor c) { return c.copy(); }
        public float[] direction(int i) { return i == 0 ? new float[]{1, 0} : new float[]{0, 1}; }
        public String kind() { return "first"; }
    };

    @Test
    void metricsOnHandComputedCase() {
        // x = (1, 2), (3, 4); x̂ = (1, 0), (3, 0)
        EvalReport r = SaeEval.evaluate(FIRST, new ArraySource(new float[]{1, 2, 3, 4}, 2), 100, 1, 0.5);
        assertEquals(2, r.rows());
        assertEquals(1.0, r.l0(), 1e-12);
        // Σ‖x−x̂‖² = 4 + 16 = 20; mean (2, 3); Σ‖x−mean‖² = 2 + 2 = 4
        assertEquals(5.0, r.fvu(), 1e-12);
        assertEquals(20.0 / 4, r.mse(), 1e-12);
        // cos: 1/√5 and 9/(5·3)
        assertEquals((1 / Math.sqrt(5) + 0.6) / 2, r.cosine(), 1e-9);
        // γ = E‖x̂‖² / E[x̂·x] = (1 + 9) / (1 + 9)
        assertEquals(1.0, r.relativeBias(), 1e-12);
        assertEquals(0.5, r.deadFraction());
        assertEquals(0.5, r.denseFraction());
        assertArrayEquals(new double[]{1.0, 0.0}, r.density());
        assertEquals(1, r.histogram()[r.histogram().length - 1]);   // log10(1) = 0 lands in the top bin
        assertEquals(Float.NEGATIVE_INFINITY, r.log10Density()[1]);
    }

    @Test
    void perfectReconstructionHasZeroFvuAndShrinkageShowsInBias() {
        Dictionary half = new Dictionary() {
            public int dIn() { return 2; }
            public int dFeatures() { return 2; }
            public Tensor encode(Tensor x) { return x.copy(); }
            public Tensor decode(Tensor c) { float[] o = c.data().clone(); for (int i = 0; i < o.length; i++) o[i] *= 0.5f; return new Tensor(o, c.shape()); }
            public float[] direction(int i) { return new float[2]; }
            public String kind() { return "half"; }
        };
        EvalReport r = SaeEval.evaluate(half, new ArraySource(new float[]{1, 2, 3, 5, -1, 0}, 2), 100, 2, 0.5);
        assertEquals(0.5, r.relativeBias(), 1e-9);   // x̂ = x/2 → γ = 0.25‖x‖² / 0.5‖x‖²
        assertEquals(1.0, r.cosine(), 1e-9);
        EvalReport p = SaeEval.evaluate(FIRST, new ArraySource(new float[]{1, 0, 3, 0}, 2), 100, 2, 0.5);
        assertEquals(0.0, p.fvu(), 1e-12);
    }

    @Test
    void ceLossRecoveredOnNumbers() {
        assertEquals(0.8, SaeEval.ceLossRecovered(3.0, 8.0, 4.0), 1e-12);
        assertEquals(1.0, SaeEval.ceLossRecovered(3.0, 8.0, 3.0), 1e-12);
        assertEquals(0.0, SaeEval.ceLossRecovered(3.0, 8.0, 8.0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> SaeEval.ceLossRecovered(3.0, 3.0, 3.0));
    }
}
