package dev.loupe.lm;

import dev.loupe.tensor.Kernels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ChunkedClassifier} (unembedding + cross-entropy forward and backward by row chunks, per-thread
 * dwte accumulators) against the unfused computation in double precision written out here: the full
 * logits x·wteᵀ, log-softmax, dlogits = (softmax − onehot)/count, dx = dlogits·wte, dwte = dlogitsᵀ·x.
 * Row counts that are and are not multiples of the chunk, rows without a target, one and two threads;
 * and the same inputs give bit-identical results on a repeat (fixed slot order).
 */
class ChunkedClassifierTest {
    private final int savedThreads = Kernels.threads();

    @AfterEach void restore() { Kernels.setThreads(savedThreads); }

    @ParameterizedTest
    @CsvSource({"16, 8, 32, 4, 1", "16, 8, 32, 4, 2", "37, 5, 19, 8, 1", "37, 5, 19, 8, 2", "37, 5, 19, 64, 2", "3, 4, 6, 1, 2"})
    void matchesUnfused(int n, int d, int v, int chunk, int threads) {
        Kernels.setThreads(threads);
        var r = new Random(n * 31L + chunk);
        float[] x = LayersGradientTest.randn(r, n * d, 1f), p = LayersGradientTest.randn(r, v * d, 1f);
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) targets[i] = i % 5 == 3 ? -1 : r.nextInt(v);
        int count = 0;
        for (int t : targets) if (t >= 0) count++;

        double[] refLoss = new double[n], refDx = new double[n * d], refDw = new double[v * d];
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0) continue;
            double[] logit = new double[v];
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < v; j++) {
                for (int k = 0; k < d; k++) logit[j] += (double) x[i * d + k] * p[j * d + k];
                max = Math.max(max, logit[j]);
            }
            for (int j = 0; j < v; j++) sum += Math.exp(logit[j] - max);
            refLoss[i] = Math.log(sum) + max - logit[targets[i]];
            for (int j = 0; j < v; j++) {
                double dl = (Math.exp(logit[j] - max) / sum - (j == targets[i] ? 1 : 0)) / count;
                for (int k = 0; k < d; k++) {
                    refDx[i * d + k] += dl * p[j * d + k];
                    refDw[j * d + k] += dl * x[i * d + k];
                }
            }
        }

        var classifier = new ChunkedClassifier(chunk, d, v);
        float[] losses = new float[n], dx = new float[n * d], dw = new float[v * d];
        classifier.forwardBackward(x, p, 0, targets, n, 1f / count, losses, dx);
        classifier.writeWeightGradient(dw, 0);
        for (int i = 0; i < n; i++) assertEquals(refLoss[i], losses[i], 1e-5 * (1 + refLoss[i]), "loss row " + i);
        for (int i = 0; i < n * d; i++) assertEquals(refDx[i], dx[i], 1e-6, "dx " + i);
        for (int i = 0; i < v * d; i++) assertEquals(refDw[i], dw[i], 1e-6, "dwte " + i);

        float[] losses2 = new float[n], dx2 = new float[n * d], dw2 = new float[v * d];
        classifier.forwardBackward(x, p, 0, targets, n, 1f / count, losses2, dx2);
        classifier.writeWeightGradient(dw2, 0);
        assertArrayEquals(losses, losses2);
        assertArrayEquals(dx, dx2);
        assertArrayEquals(dw, dw2);

        float[] lossOnly = new float[n];   // the evaluation path (no dx): the same losses
        classifier.forwardBackward(x, p, 0, targets, n, 0f, lossOnly, null);
        assertArrayEquals(losses, lossOnly);
    }
}
