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
        }
        // excerpts of one length run as one batch: [batch, seq]
        for (List<Integer> group : byLength(records)) {
            int seq = records.get(group.get(0)).length();
            int[][] ids = new int[group.size()][];
            float[] actual = new float[group.size() * seq];
            double[] simulated = new double[group.size() * seq], meanValues = new double[group.size() * seq];
            for (int b = 0; b < group.size(); b++) {
                ActivationRecord r = records.get(group.get(b));
                ids[b] = r.tokenIds();
                System.arraycopy(r.activations(), 0, actual, b * seq, seq);
                System.arraycopy(replacement.get(group.get(b)), 0, simulated, b * seq, seq);
            }
            java.util.Arrays.fill(meanValues, mean);
            double[][] clean = softmaxRows(model.forward(ids));  // [batch·seq][vocab], computed once for both comparisons
            sim += jsdSum(clean, model.runWithHooks(ids, Map.of(hook, patch(direction, actual, simulated))));
            base += jsdSum(clean, model.runWithHooks(ids, Map.of(hook, patch(direction, actual, meanValues))));
            positions += (long) group.size() * seq;
        }
        if (positions == 0) return new Result(Double.NaN, Double.NaN, Score.undefined(Score.Status.EMPTY));
        double ds = sim / positions, dm = base / positions;
        Score s = dm > 0 ? Score.of(1 - ds / dm) : Score.undefined(Score.Status.CONSTANT_TRUE);
        return new Result(ds, dm, s);
    }

    /** Record indices grouped by excerpt length, in first-seen order. */
    static List<List<Integer>> byLength(List<ActivationRecord> records) {
        Map<Integer, List<Integer>> groups = new java.util.LinkedHashMap<>();
        for (int k = 0; k < records.size(); k++) groups.computeIfAbsent(records.get(k).length(), x -> new java.util.ArrayList<>()).add(k);
        return List.copyOf(groups.values());
    }

    /** Adds {@code (v[i] − a[i])·direction} to the hook's vector at every row i = (batch, position), row-major. */
    static Hook patch(float[] direction, float[] actual, double[] v) {
        return (act, ctx) -> {
            int d = act.dim(-1), rows = act.data().length / d;
            if (d != direction.length) throw new IllegalArgumentException("direction has " + direction.length + " entries but hook " + ctx.name() + " has width " + d);
            float[] x = act.data().clone();  // [batch, seq, d]
            for (int i = 0; i < rows; i++) {
                float delta = (float) (v[i] - actual[i]);
                for (int j = 0; j < d; j++) x[i * d + j] += delta * direction[j];
            }
            return new Tensor(x, act.shape());
        };
    }

    /** Σ over rows of JSD (bits) between given distributions and the softmax of a logit tensor [batch, seq, vocab]. */
    static double jsdSum(double[][] p, Tensor logits) {
        int vocab = logits.dim(-1);
        double s = 0;
        for (int t = 0; t < p.length; t++) s += jsd(p[t], softmax(logits.data(), t * vocab, vocab));
        return s;
    }

    static double[][] softmaxRows(Tensor logits) {
        int vocab = logits.dim(-1);
        double[][] out = new double[logits.data().length / vocab][];
        for (int t = 0; t < out.length; t++) out[t] = softmax(logits.data(), t * vocab, vocab);
        return out;
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
