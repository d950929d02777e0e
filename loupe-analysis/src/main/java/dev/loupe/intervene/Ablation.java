package dev.loupe.intervene;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Hook;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;
import dev.loupe.util.Rng;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ablation of single features (or neurons: the neuron basis of an MLP hook) at one hook, each in turn,
 * over a prompt set: the feature's code c_f is replaced by a value a at every position,
 * x' = x + (a − c_f(x))·d_f, with a = 0 (zero), the feature's mean code over all positions of the clean
 * prompt set (mean), or its code at a random position of another prompt (resample; Chan et al. 2022,
 * causal scrubbing). For an exact dictionary this sets the feature exactly; for an SAE it removes the
 * feature's share of the reconstruction and keeps the reconstruction error. Reported per feature: the
 * change of the next-token loss, KL(ablated ‖ clean) averaged over all positions, and, for prompt-pair
 * tasks, the change of the answer logit difference logit(target_answer) − logit(base_answer) at the
 * last position of the base prompt ({@link PromptTasks}).
 */
public final class Ablation {
    private Ablation() {}

    public enum Method { ZERO, MEAN, RESAMPLE }

    /** One feature's effect; logit differences are NaN without answers. */
    public record Result(int feature, double meanCode, double loss, double dLoss, double kl, double logitDiff, double dLogitDiff) {}

    public record Report(String dictionary, String hook, Method method, int prompts, double cleanLoss, double cleanLogitDiff, List<Result> features) {}

    /** Ablates each feature over token sequences (next-token loss and KL only). */
    public static Report onPrompts(Transformer model, String hook, String name, Dictionary dict, int[] features, Method method,
                                   List<int[]> prompts, long seed) {
        return run(model, hook, name, dict, features, method, prompts, null, seed);
    }

    /** Ablates each feature on the base prompts of a task, adding the answer logit difference. */
    public static Report onTask(Transformer model, String hook, String name, Dictionary dict, int[] features, Method method,
                                List<PromptTasks.Encoded> pairs, long seed) {
        return run(model, hook, name, dict, features, method, pairs.stream().map(PromptTasks.Encoded::base).toList(), pairs, seed);
    }

    private static Report run(Transformer model, String hook, String name, Dictionary dict, int[] features, Method method,
                              List<int[]> prompts, List<PromptTasks.Encoded> answers, long seed) {
        if (prompts.isEmpty()) throw new ConfigException("ablation needs at least one prompt");
        for (int[] p : prompts) if (p.length < 2) throw new ConfigException("ablation prompts need at least 2 tokens (the loss is next-token), got " + p.length);
        int m = dict.dFeatures(), d = dict.dIn(), P = prompts.size();
        for (int f : features) if (f < 0 || f >= m) throw new ConfigException("feature " + f + " is outside the dictionary's " + m + " features");

        float[][] codes = new float[P][];            // clean codes per prompt [seq, m]
        float[][] clean = new float[P][];            // clean logits per prompt [seq, V]
        for (int i = 0; i < P; i++) {
            int[][] t = {prompts.get(i)};
            var cache = model.runWithCache(t, List.of(hook));
            Tensor a = cache.get(hook);
            codes[i] = dict.encode(a.reshape(FeatureSpace.rows(a, d, hook), d)).data();
            clean[i] = model.forward(t).data();
        }
        Metrics base = metrics(model, prompts, clean, clean, answers);
        List<Result> out = new ArrayList<>();
        for (int f : features) {
            double mean = meanCode(codes, f, m);
            float[] dir = dict.direction(f);
            Rng rng = new Rng(seed ^ (31L * f + 7));
            float[][] ablated = new float[P][];
            for (int i = 0; i < P; i++) {
                float[] target = values(method, codes, i, f, m, mean, rng);     // [seq] the value a per position
                float[] c = codes[i];
                float[] delta = new float[target.length];                        // [seq, 1]
                for (int s = 0; s < delta.length; s++) delta[s] = target[s] - c[s * m + f];
                Hook h = (act, ctx) -> {
                    Tensor o = act.copy();
                    FeatureSpace.addCombination(o.data(), delta.length, d, delta, dir, 1);
                    return o;
                };
                ablated[i] = model.runWithHooks(new int[][]{prompts.get(i)}, Map.of(hook, h)).data();
            }
            Metrics r = metrics(model, prompts, ablated, clean, answers);
            out.add(new Result(f, mean, r.loss, r.loss - base.loss, r.kl, r.logitDiff, r.logitDiff - base.logitDiff));
        }
        return new Report(name, hook, method, P, base.loss, base.logitDiff, out);
    }

    private record Metrics(double loss, double kl, double logitDiff) {}

    private static Metrics metrics(Transformer model, List<int[]> prompts, float[][] logits, float[][] clean, List<PromptTasks.Encoded> answers) {
        int V = model.config().vocab(), P = prompts.size();
        double loss = 0, kl = 0, ld = 0;
        for (int i = 0; i < P; i++) {
            int S = prompts.get(i).length;
            loss += Transformer.loss(new Tensor(logits[i], 1, S, V), new int[][]{prompts.get(i)}) / P;
            kl += Distributions.meanKl(logits[i], clean[i], S, V) / P;
            if (answers != null) ld += Patching.logitDiff(logits[i], (S - 1) * V, answers.get(i)) / P;
        }
        return new Metrics(loss, kl, answers == null ? Double.NaN : ld);
    }

    private static double meanCode(float[][] codes, int f, int m) {
        double s = 0;
        long n = 0;
        for (float[] c : codes) for (int r = 0; r < c.length / m; r++, n++) s += c[r * m + f];
        return s / n;
    }

    /** The replacement code of feature f at each position of prompt i. */
    private static float[] values(Method method, float[][] codes, int i, int f, int m, double mean, Rng rng) {
        int S = codes[i].length / m;
        float[] v = new float[S];
        switch (method) {
            case ZERO -> { }
            case MEAN -> java.util.Arrays.fill(v, (float) mean);
            case RESAMPLE -> {
                for (int s = 0; s < S; s++) {
                    int other = codes.length == 1 ? i : (i + 1 + rng.nextInt(codes.length - 1)) % codes.length;
                    int pos = rng.nextInt(codes[other].length / m);
                    v[s] = codes[other][pos * m + f];
                }
            }
        }
        return v;
    }
}
