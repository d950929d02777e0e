package dev.loupe.model;

import dev.loupe.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random canonical weights for any {@link TransformerConfig}: norm weights 1, biases 0, every
 * other tensor N(0, 0.02²) (GPT-2's initializer_range). For benchmarks and tests that need a model of
 * a given shape without a checkpoint, and the random-weights control of interpretability experiments
 * ({@link #like}); not a training initialiser.
 */
public final class RandomInit {
    private RandomInit() {}

    public static Transformer model(TransformerConfig cfg, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (var e : Transformer.expectedShapes(cfg).entrySet()) {
            String n = e.getKey();
            Tensor t = Tensor.zeros(e.getValue());
            float[] d = t.data();
            boolean normWeight = n.endsWith(".w") && (n.contains("ln") || n.startsWith("ln_final"));
            boolean bias = n.contains(".b_") || n.endsWith(".b");
            if (normWeight) java.util.Arrays.fill(d, 1f);
            else if (!bias) for (int i = 0; i < d.length; i++) d[i] = (float) (0.02 * gaussian(rng));
            w.put(n, t);
        }
        return Transformer.create(cfg, w);
    }

    /**
     * The random-weights control: a model with {@code model}'s architecture (same config, so the same
     * hooks and weight shapes) and fresh seeded weights, as in Cunningham et al.'s random-transformer baseline.
     */
    public static Transformer like(Transformer model, long seed) { return model(model.config(), seed); }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
