package dev.loupe.interp;

import dev.loupe.model.Hook;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Bills et al.'s ablation score: how much of a unit's effect on the model's next-token predictions an
 * explanation captures. On each excerpt, run the model three times: clean; with the unit's
 * activation replaced by the explanation's calibrated simulation; and with it replaced by its mean.
 * With D = Jensen–Shannon divergence (base 2, so in [0, 1]) between the clean and the patched
 * next-token distributions, averaged over every position of every excerpt:
 * {@code score = 1 − D(simulated) / D(mean)} — 1 when the simulation is as good as the truth, 0 when
 * it is no better than the mean; undefined when replacing by the mean changes nothing.
 *
 * <p>A unit is a direction at a hook: replacing activation a by v adds {@code (v − a)·direction} to
 * the hook's vector at that position. For a neuron, the hook is {@code blocks.L.mlp.hook_post} and the
 * direction the unit vector of the neuron (the activation itself is set to v); for a dictionary
 * feature, the hook is the dictionary's site and the direction its decoder row. The true activations
 * come from the records, so no encoder is needed.
 */
public final class AblationScore {
    private AblationScore() {}

    /** Mean JSDs (bits) of the simulated and mean replacements, and the score. */
    public record Result(double jsdSimulated, double jsdMean, Score score) {}

    /**
     * @param direction   the unit's direction at {@code hook}, {@code [d]} (d = the hook's last dimension)
     * @param records     excerpts with token ids and the unit's true activations
     * @param replacement calibrated simulated activations per excerpt (activation units), {@code [record.length()]}
     * @param mean        the unit's mean activation (the baseline replacement)
     */
    public static Result score(Transformer model, String hook, float[] direction, List<ActivationRecord> records, List<double[]> replacement, double mean) {
        if (records.size() != replacement.size()) throw new IllegalArgumentException(records.size() + " records but " + replacement.size() + " replacements");
        double sim = 0, base = 0;
        long positions = 0;
        for (int k = 0; k < records.size(); k++) {
            ActivationRecord r = records.get(k);
            if (r.tokenIds() == null) throw new IllegalArgumentException("ablation scoring needs token ids in every record (record " + k + " has none)");
            if (replacement.get(k).length != r.length()) throw new IllegalArgumentException("replacement " + k + " has " + replacement.get(k).length + " values for " + r.length() + " tokens");
            int[][] ids = {r.tokenIds()};
            Tensor clean = model.forward(ids);  // [1, seq, vocab]
            double[] meanValues = new double[r.length()];
            java.util.Arrays.fill(meanValues, mean);
            sim += jsdSum(clean, model.runWithHooks(ids, Map.of(hook, patch(direction, r.activations(), replacement.get(k)))));
            base += jsdSum(clean, model.runWithHooks(ids, Map.of(hook, patch(direction, r.activations(), meanValues))));
            positions += r.length();
        }
        if (positions == 0) return new Result(Double.NaN, Double.NaN, Score.undefined(Score.Status.EMPTY));
        double ds = sim / positions, dm = base / positions;
        Score s = dm > 0 ? Score.of(1 - ds / dm) : Score.undefined(Score.Status.CONSTANT_TRUE);
        return new Result(ds, dm, s);
    }

    /** Adds {@code (v[t] − a[t])·direction} to the hook's vector at every position t. */
    static Hook patch(float[] direction, float[] actual, double[] v) {
        return (act, ctx) -> {
            int[] shape = act.shape();
            int d = shape[shape.length - 1], seq = shape[shape.length - 2];
            if (d != direction.length) throw new IllegalArgumentException("direction has " + direction.length + " entries but hook " + ctx.name() + " has width " + d);
            float[] x = act.data().clone();  // [1, seq, d]
            for (int t = 0; t < seq; t++) {
                float delta = (float) (v[t] - actual[t]);
                for (int j = 0; j < d; j++) x[t * d + j] += delta * direction[j];
            }
            return new Tensor(x, shape);
        };
    }

    /** Σ over positions of JSD (bits) between the softmax distributions of two logit tensors [1, seq, vocab]. */
    static double jsdSum(Tensor a, Tensor b) {
        int[] shape = a.shape();
        int vocab = shape[shape.length - 1], seq = shape[shape.length - 2];
        double s = 0;
        for (int t = 0; t < seq; t++) s += jsd(softmax(a.data(), t * vocab, vocab), softmax(b.data(), t * vocab, vocab));
        return s;
    }

    static double[] softmax(float[] logits, int off, int n) {
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[off + i]);
        double[] p = new double[n];
        for (int i = 0; i < n; i++) z += p[i] = Math.exp(logits[off + i] - max);
        for (int i = 0; i < n; i++) p[i] /= z;
        return p;
    }

    /** Jensen–Shannon divergence in bits: ½ KL(p‖m) + ½ KL(q‖m), m = (p + q)/2; terms with zero mass contribute 0. */
    public static double jsd(double[] p, double[] q) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            double m = 0.5 * (p[i] + q[i]);
            if (p[i] > 0) s += 0.5 * p[i] * Math.log(p[i] / m);
            if (q[i] > 0) s += 0.5 * q[i] * Math.log(q[i] / m);
        }
        return Math.max(0, s / Math.log(2));
    }
}
