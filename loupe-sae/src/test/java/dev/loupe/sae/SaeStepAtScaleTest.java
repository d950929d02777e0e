package dev.loupe.sae;

import dev.loupe.tensor.Gemm;
import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.ScalarGemm;
import dev.loupe.util.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The training step at sizes where its parallel paths run (several {@link SaeOps#ROW_BLOCK}-row blocks,
 * several transpose tiles, work above the parallel threshold), which {@link SaeGradientTest}'s tiny
 * SAEs never reach. Two properties: (1) the loss is a mean over rows, so the gradient of a 384-row batch
 * equals the row-weighted mean of the gradients of its three 128-row parts (each one block, the path the
 * finite-difference test covers); (2) with a thread-independent GEMM, one and two worker threads give
 * bit-identical losses and gradients (the per-block partial sums make the SAE's own reductions
 * independent of the thread count).
 */
class SaeStepAtScaleTest {
    static final int D = 32, S = 2100, N = 3 * SaeOps.ROW_BLOCK, K = 8;   // S·ROW_BLOCK > MIN_PARALLEL_WORK
    private Gemm savedGemm;
    private int savedThreads;

    @BeforeEach void save() { savedGemm = Kernels.gemm(); savedThreads = Kernels.threads(); }

    @AfterEach void restore() { Kernels.setGemm(savedGemm); Kernels.setThreads(savedThreads); }

    static Sae make(String arch) {
        Rng rng = new Rng(5);
        Sae sae = Saes.init(SaeConfig.of(arch.equals("tied") ? "standard" : arch, D, S, arch.equals("topk") ? K : 0, arch.equals("tied")), rng, 0.3);
        for (Param p : sae.params()) for (int i = 0; i < p.data().length; i++) p.data()[i] += (float) (0.1 * rng.nextGaussian());
        return sae;
    }

    static float[] rows(int n, long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[n * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    static float[][] grads(Sae sae) {
        float[][] g = new float[sae.params().size()][];
        for (int i = 0; i < g.length; i++) g[i] = new float[sae.params().get(i).data().length];
        return g;
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "tied", "topk"})
    void batchGradientIsTheMeanOfItsParts(String arch) {
        Kernels.setThreads(2);
        Sae sae = make(arch);
        float[] x = rows(N, 11);
        StepCoefficients c = new StepCoefficients(0.3, 0, 0);
        float[][] whole = grads(sae);
        boolean[] firedWhole = new boolean[S], firedParts = new boolean[S];
        StepResult r = sae.step(x, N, c, null, whole, firedWhole);
        double[][] mean = new double[whole.length][];
        for (int p = 0; p < whole.length; p++) mean[p] = new double[whole[p].length];
        double loss = 0, l0 = 0;
        int part = N / 3;
        for (int q = 0; q < 3; q++) {
            float[][] g = grads(sae);
            StepResult rq = sae.step(Arrays.copyOfRange(x, q * part * D, (q + 1) * part * D), part, c, null, g, firedParts);
            loss += rq.loss() / 3;
            l0 += rq.l0() / 3;
            for (int p = 0; p < g.length; p++) for (int i = 0; i < g[p].length; i++) mean[p][i] += g[p][i] / 3.0;
        }
        assertEquals(loss, r.loss(), 1e-5 * Math.abs(loss), arch + " loss");
        assertEquals(l0, r.l0(), 1e-9, arch + " L0");
        assertTrue(r.l0() > 0, arch + " has active features");
        assertArrayEquals(firedParts, firedWhole, arch + " fired features");
        for (int p = 0; p < whole.length; p++) {
            double scale = 0;
            for (double v : mean[p]) scale = Math.max(scale, Math.abs(v));
            assertTrue(scale > 0, arch + " " + sae.params().get(p).name() + " receives a gradient");
            for (int i = 0; i < whole[p].length; i++)
                assertEquals(mean[p][i], whole[p][i], 1e-4 * scale, arch + " " + sae.params().get(p).name() + "[" + i + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "topk"})
    void oneAndTwoThreadsGiveIdenticalSteps(String arch) {
        Kernels.setGemm(new ScalarGemm());
        float[] x = rows(N, 12);
        boolean[] dead = new boolean[S];
        for (int i = 0; i < S; i += 3) dead[i] = true;   // topk: AuxK runs too
        StepCoefficients c = new StepCoefficients(0.3, 1.0 / 32, 0);
        float[][][] g = new float[2][][];
        double[] loss = new double[2];
        for (int t = 0; t < 2; t++) {
            Kernels.setThreads(t + 1);
            Sae sae = make(arch);
            g[t] = grads(sae);
            loss[t] = sae.step(x, N, c, dead, g[t], new boolean[S]).loss();
        }
        assertEquals(loss[0], loss[1], 0.0, arch + " loss");
        for (int p = 0; p < g[0].length; p++) assertArrayEquals(g[0][p], g[1][p], arch + " gradient " + p);
    }
}
