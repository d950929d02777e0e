// Synthetic probing setting with planted structure, for tests and demos (no language model):
// every token has latent binary features A, B, C, D (each on with probability 0.15, independent)
// and `neurons` background features (each on with probability 0.05, a random unit direction
// times 0.5), plus Gaussian noise 0.1 on every neuron. Planted readout:
//   neuron a          += 1.5 A                 -> concept A is monosemantic: one neuron suffices;
//   neurons b1, b2    += B + C  and  B + D     -> concept B is superposed: b1 also fires for C and
//                                                b2 for D, so no single neuron separates B, but
//                                                b1 + b2 > 1.5 does (needs k = 2 over neurons).
// Rows are tokens, groups are documents. Indices a, b1, b2 are drawn from the seed.
package dev.loupe.probe;

import dev.loupe.util.ConfigException;

import java.util.SplittableRandom;

public final class SyntheticProbing {
    private SyntheticProbing() {}

    public record Setting(ProbeData monosemantic, ProbeData superposed, int plantedNeuron, int[] superposedNeurons) {}

    public static Setting generate(long seed, int docs, int tokensPerDoc, int neurons) {
        if (neurons < 3 || docs < 4 || tokensPerDoc < 1) throw new ConfigException("synthetic probing needs >= 3 neurons, >= 4 documents and >= 1 token per document");
        SplittableRandom rnd = new SplittableRandom(seed);
        int a = rnd.nextInt(neurons), b1, b2;
        do { b1 = rnd.nextInt(neurons); } while (b1 == a);
        do { b2 = rnd.nextInt(neurons); } while (b2 == a || b2 == b1);
        float[][] background = new float[neurons][neurons];   // [feature, neuron]
        for (float[] dir : background) {
            double norm = 0;
            for (int j = 0; j < neurons; j++) { dir[j] = (float) rnd.nextGaussian(); norm += dir[j] * dir[j]; }
            for (int j = 0; j < neurons; j++) dir[j] = (float) (0.5 * dir[j] / Math.sqrt(norm));
        }
        int n = docs * tokensPerDoc;
        float[] x = new float[n * neurons];                    // [n, neurons]
        int[] yA = new int[n], yB = new int[n];
        long[] groups = new long[n];
        for (int i = 0; i < n; i++) {
            groups[i] = i / tokensPerDoc;
            boolean fa = rnd.nextDouble() < 0.15, fb = rnd.nextDouble() < 0.15, fc = rnd.nextDouble() < 0.15, fd = rnd.nextDouble() < 0.15;
            int row = i * neurons;
            for (int j = 0; j < neurons; j++) x[row + j] = (float) (0.1 * rnd.nextGaussian());
            for (float[] dir : background)
                if (rnd.nextDouble() < 0.05) for (int j = 0; j < neurons; j++) x[row + j] += dir[j];
            if (fa) x[row + a] += 1.5f;
            if (fb) { x[row + b1] += 1; x[row + b2] += 1; }
            if (fc) x[row + b1] += 1;
            if (fd) x[row + b2] += 1;
            yA[i] = fa ? 1 : 0;
            yB[i] = fb ? 1 : 0;
        }
        return new Setting(new ProbeData(x, n, neurons, yA, groups), new ProbeData(x, n, neurons, yB, groups), a, new int[] {Math.min(b1, b2), Math.max(b1, b2)});
    }
}
