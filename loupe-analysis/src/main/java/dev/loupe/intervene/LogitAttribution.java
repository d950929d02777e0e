package dev.loupe.intervene;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Transformer;
import dev.loupe.model.TransformerConfig;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.util.ArrayList;
import java.util.List;

/**
 * Direct logit attribution of dictionary features for one prompt position (TransformerLens
 * {@code ActivationCache.logit_attrs} with the final norm's scale frozen, as its
 * {@code apply_ln_to_stack}): with σ the cached {@code ln_final.hook_scale} at the position and w the
 * norm's weight, a residual vector y adds (w ⊙ center(y) / σ) · W_U[:, t] to the logit of token t
 * (center subtracts the mean for LayerNorm, nothing for RMSNorm). Feature j contributes
 * c_j · that of d_j. The activation splits exactly as x = Σ_j c_j d_j + (x − x̂) + (x̂ − Σ_j c_j d_j),
 * so at the last block's {@code hook_resid_post} the features, the reconstruction error, the
 * dictionary's own offset (b_dec, PCA mean) and the norm's bias add up to the logit. At an earlier
 * residual hook the numbers are the direct path only (what reaches the unembedding without passing a
 * later layer).
 */
public final class LogitAttribution {
    private LogitAttribution() {}

    public record Contribution(int feature, double code, double logit) {}

    /**
     * {@code logit}: the model's logit of {@code token} at {@code position}; {@code error}, {@code offset},
     * {@code normBias}: the non-feature terms above; {@code top}/{@code bottom}: the largest positive and
     * negative feature contributions.
     */
    public record Result(String hook, int position, int token, double logit, double featureSum, double error, double offset,
                         double normBias, List<Contribution> top, List<Contribution> bottom) {}

    /** {@code position} −1: the last; {@code token} −1: the model's top prediction there. */
    public static Result attribute(Transformer model, String hook, Dictionary dict, int[] tokens, int position, int token, int topK) {
        TransformerConfig cfg = model.config();
        int S = tokens.length, D = cfg.dModel(), V = cfg.vocab(), m = dict.dFeatures();
        int p = position < 0 ? S - 1 : position;
        if (p >= S) throw new ConfigException("position " + position + " is outside the prompt's " + S + " tokens");
        if (dict.dIn() != D) throw new ConfigException("logit attribution needs a residual-stream hook of width " + D + "; the dictionary reads width " + dict.dIn());
        var cache = model.runWithCache(new int[][]{tokens}, List.of(hook, "ln_final.hook_scale"));
        float[] logits = cache.logits().data();                                   // names under ln_final run the whole model
        int t = token >= 0 ? token : dev.loupe.model.Sampling.argmax(logits, p * V, V);
        if (t >= V) throw new ConfigException("token " + token + " is outside the vocabulary of " + V);

        float[] x = new float[D];
        System.arraycopy(cache.get(hook).data(), p * D, x, 0, D);
        double sigma = cache.get("ln_final.hook_scale").data()[p];
        double[] u = readout(model, t, sigma);                                    // logit of t per unit of residual
        float[] c = dict.encode(new Tensor(x, 1, D)).data();                       // [m]
        float[] xhat = dict.decode(new Tensor(c, 1, m)).data();                    // [D]
        float[] dirs = FeatureSpace.directions(dict, java.util.stream.IntStream.range(0, m).toArray());
        double[] per = new double[m];
        float[] sum = new float[D];                                                // Σ c_j d_j
        for (int j = 0; j < m; j++) {
            if (c[j] == 0) continue;
            double a = 0;
            for (int k = 0; k < D; k++) { a += dirs[j * D + k] * u[k]; sum[k] += c[j] * dirs[j * D + k]; }
            per[j] = c[j] * a;
        }
        double featureSum = 0, error = 0, offset = 0;
        for (double v : per) featureSum += v;
        for (int k = 0; k < D; k++) { error += (x[k] - xhat[k]) * u[k]; offset += (xhat[k] - sum[k]) * u[k]; }
        double bias = 0;
        Tensor b = model.weights().get("ln_final.b");
        if (b != null) for (int k = 0; k < D; k++) bias += b.data()[k] * unembed(model, k, t);

        List<Contribution> top = new ArrayList<>(), bottom = new ArrayList<>();
        for (int j : FeatureSpace.topPositive(per, topK)) top.add(new Contribution(j, c[j], per[j]));
        double[] neg = new double[m];
        for (int j = 0; j < m; j++) neg[j] = -per[j];
        for (int j : FeatureSpace.topPositive(neg, topK)) bottom.add(new Contribution(j, c[j], per[j]));
        return new Result(hook, p, t, logits[p * V + t], featureSum, error, offset, bias, top, bottom);
    }

    /** u [D]: the logit of token t per unit of residual at the final norm's input, σ frozen. */
    private static double[] readout(Transformer model, int t, double sigma) {
        int D = model.config().dModel();
        float[] w = model.weights().get("ln_final.w").data();
        double[] u = new double[D];
        double mean = 0;
        for (int k = 0; k < D; k++) { u[k] = w[k] * unembed(model, k, t) / sigma; mean += u[k] / D; }
        if (model.config().normalization() == TransformerConfig.Normalization.LAYER_NORM)
            for (int k = 0; k < D; k++) u[k] -= mean;   // Σ (y_k − ȳ) u_k = Σ y_k (u_k − ū)
        return u;
    }

    /** W_U[k, t] (W_E[t, k] when the embeddings are tied). */
    private static float unembed(Transformer model, int k, int t) {
        var c = model.config();
        return c.tiedEmbeddings() ? model.weights().get("embed.W_E").data()[t * c.dModel() + k]
                                  : model.weights().get("unembed.W_U").data()[k * c.vocab() + t];
    }
}
