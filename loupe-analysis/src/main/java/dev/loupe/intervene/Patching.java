package dev.loupe.intervene;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Hook;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Activation patching in feature space (Cunningham et al. 2023 §4.1). For each prompt pair the target
 * prompt's codes c̄ and the base prompt's codes c are taken at one hook; patching a feature set F
 * edits the base run at every position, x' = x + Σ_{j∈F} (c̄_j − c_j)·d_j, and the result is scored at
 * the last position by KL(patched ‖ target) and the answer logit difference ({@link PromptTasks}).
 * F grows greedily as in ACDC (Conmy et al. 2023): each step adds the candidate feature that most
 * lowers the KL averaged over the pairs. With all features of an exact dictionary (neuron basis, full
 * PCA) the patched activation is the target's, so the KL is that of patching the whole site (0 at a
 * residual-stream hook; at an MLP hook what flows around the MLP remains); an SAE adds its
 * reconstruction error.
 *
 * <p>Candidates are the features with a non-zero edit on some pair, ranked by their total edit size
 * Σ|c̄_j − c_j|·‖d_j‖, at most {@link Options#maxCandidates}; each greedy step evaluates all remaining
 * candidates in batches of base-prompt copies, one candidate per batch row. Not a circuit-discovery
 * tool over edges: nodes are features at one site.
 */
public final class Patching {
    private Patching() {}

    public record Options(int maxFeatures, int maxCandidates, int batch) {
        public Options {
            if (maxFeatures < 1) throw new ConfigException("max features must be >= 1, got " + maxFeatures);
            if (maxCandidates < 1) throw new ConfigException("max candidates must be >= 1, got " + maxCandidates);
            if (batch < 1) throw new ConfigException("batch must be >= 1, got " + batch);
        }

        public static Options defaults() { return new Options(32, 128, 64); }
    }

    /** The state after patching the first {@code size} features of the greedy order ({@code feature} = the last added, −1 for none). */
    public record Step(int size, int feature, double kl, double logitDiff, double editNorm) {}

    /**
     * One dictionary's greedy curve. {@code klAll}/{@code logitDiffAll}: every feature patched;
     * {@code logitDiffBase}/{@code logitDiffTarget}: the unpatched runs; {@code steps.get(0)} is F = ∅.
     */
    public record Curve(String dictionary, String hook, int dFeatures, int candidates, double klAll, double logitDiffAll,
                        double logitDiffBase, double logitDiffTarget, List<Step> steps) {}

    /** Per pair: what every evaluation needs, fixed before the greedy loop. */
    private static final class Pair {
        final PromptTasks.Encoded p;
        final int seq;
        final float[] delta;      // [seq, m]  c̄ − c
        final float[] edit;       // [seq, d]  Σ_{j∈F} (c̄_j − c_j) d_j so far
        final double[] logTarget; // [V] target's last-position log-probabilities

        Pair(PromptTasks.Encoded p, int seq, float[] delta, int d, double[] logTarget) {
            this.p = p; this.seq = seq; this.delta = delta; this.edit = new float[seq * d]; this.logTarget = logTarget;
        }
    }

    public static Curve greedy(Transformer model, String hook, String name, Dictionary dict, List<PromptTasks.Encoded> pairs, Options opt) {
        if (pairs.isEmpty()) throw new ConfigException("patching needs at least one prompt pair");
        int d = dict.dIn(), m = dict.dFeatures(), V = model.config().vocab();
        float[] dirs = FeatureSpace.directions(dict, IntStream.range(0, m).toArray());   // [m, d]
        List<Pair> ps = new ArrayList<>();
        double ldBase = 0, ldTarget = 0;
        for (PromptTasks.Encoded e : pairs) {
            var base = model.runWithCache(new int[][]{e.base()}, List.of(hook));
            var target = model.runWithCache(new int[][]{e.target()}, List.of(hook));
            int S = e.base().length, n = FeatureSpace.rows(base.get(hook), d, hook);
            float[] cb = dict.encode(base.get(hook).reshape(n, d)).data(), ct = dict.encode(target.get(hook).reshape(n, d)).data();
            float[] delta = new float[n * m];
            for (int i = 0; i < delta.length; i++) delta[i] = ct[i] - cb[i];
            float[] tl = model.forward(new int[][]{e.target()}).data(), bl = model.forward(new int[][]{e.base()}).data();
            ldBase += logitDiff(bl, (S - 1) * V, e) / pairs.size();
            ldTarget += logitDiff(tl, (S - 1) * V, e) / pairs.size();
            ps.add(new Pair(e, S, delta, d, Distributions.logSoftmax(tl, (S - 1) * V, V)));
        }

        int[] cands = candidates(ps, dirs, m, d, opt.maxCandidates());
        List<Step> steps = new ArrayList<>();
        double[] none = evaluate(model, hook, ps, new int[]{-1}, dirs, d, m, opt.batch());
        steps.add(new Step(0, -1, none[0], none[1], 0));
        boolean[] used = new boolean[m];
        for (int size = 1; size <= Math.min(opt.maxFeatures(), cands.length); size++) {
            int[] rest = Arrays.stream(cands).filter(j -> !used[j]).toArray();
            double[] scores = evaluate(model, hook, ps, rest, dirs, d, m, opt.batch());
            int best = 0;
            for (int i = 1; i < rest.length; i++) if (scores[2 * i] < scores[2 * best]) best = i;
            int j = rest[best];
            used[j] = true;
            for (Pair p : ps) accumulate(p, j, dirs, d, m);
            steps.add(new Step(size, j, scores[2 * best], scores[2 * best + 1], editNorm(ps, d)));
        }

        for (Pair p : ps) {                                   // every feature: edit = (c̄ − c)·D
            Arrays.fill(p.edit, 0f);
            FeatureSpace.addCombination(p.edit, p.seq, d, p.delta, dirs, m);
        }
        double[] all = evaluate(model, hook, ps, new int[]{-1}, dirs, d, m, opt.batch());
        return new Curve(name, hook, m, cands.length, all[0], all[1], ldBase, ldTarget, steps);
    }

    /** logit(target answer) − logit(base answer) at logits[off, off+V). */
    static double logitDiff(float[] logits, int off, PromptTasks.Encoded e) {
        return (double) logits[off + e.targetAnswer()] - logits[off + e.baseAnswer()];
    }

    /** Features with a non-zero edit somewhere, by decreasing Σ|Δc|·‖d‖, at most {@code max}. */
    private static int[] candidates(List<Pair> ps, float[] dirs, int m, int d, int max) {
        double[] score = new double[m], norm = FeatureSpace.norms(dirs, m, d);
        for (Pair p : ps) for (int s = 0; s < p.seq; s++) for (int j = 0; j < m; j++) score[j] += Math.abs(p.delta[s * m + j]);
        for (int j = 0; j < m; j++) score[j] *= norm[j];
        return FeatureSpace.topPositive(score, max);
    }

    /**
     * Mean over pairs of (KL, logit difference) when each of {@code extra} (−1: nothing) is patched on
     * top of the pairs' current edits; returns [kl_0, ld_0, kl_1, ld_1, ...].
     */
    private static double[] evaluate(Transformer model, String hook, List<Pair> ps, int[] extra, float[] dirs, int d, int m, int batch) {
        int V = model.config().vocab();
        double[] out = new double[2 * extra.length];
        for (Pair p : ps) {
            int S = p.seq;
            for (int from = 0; from < extra.length; from += batch) {
                int B = Math.min(batch, extra.length - from), first = from;
                int[][] tokens = new int[B][];
                Arrays.fill(tokens, p.p.base());
                Hook h = (act, ctx) -> {
                    Tensor o = act.copy();
                    float[] x = o.data();
                    for (int b = 0; b < B; b++) {
                        int j = extra[first + b];
                        for (int s = 0; s < S; s++) {
                            int row = (b * S + s) * d;
                            float c = j < 0 ? 0f : p.delta[s * m + j];
                            for (int k = 0; k < d; k++) x[row + k] += p.edit[s * d + k] + (j < 0 ? 0f : c * dirs[j * d + k]);
                        }
                    }
                    return o;
                };
                float[] logits = model.runWithHooks(tokens, Map.of(hook, h)).data();
                for (int b = 0; b < B; b++) {
                    int off = (b * S + S - 1) * V;
                    out[2 * (first + b)] += Distributions.kl(Distributions.logSoftmax(logits, off, V), p.logTarget) / ps.size();
                    out[2 * (first + b) + 1] += logitDiff(logits, off, p.p) / ps.size();
                }
            }
        }
        return out;
    }

    private static void accumulate(Pair p, int j, float[] dirs, int d, int m) {
        for (int s = 0; s < p.seq; s++) {
            float c = p.delta[s * m + j];
            for (int k = 0; k < d; k++) p.edit[s * d + k] += c * dirs[j * d + k];
        }
    }

    /** Mean over pairs and positions of ‖Σ_{j∈F} (c̄_j − c_j) d_j‖₂. */
    private static double editNorm(List<Pair> ps, int d) {
        double sum = 0;
        int rows = 0;
        for (Pair p : ps) {
            for (int s = 0; s < p.seq; s++) {
                double ss = 0;
                for (int k = 0; k < d; k++) ss += (double) p.edit[s * d + k] * p.edit[s * d + k];
                sum += Math.sqrt(ss);
                rows++;
            }
        }
        return sum / rows;
    }
}
