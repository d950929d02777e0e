package dev.loupe.sae.eval;

import dev.loupe.activations.HarvestOptions;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Hook;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.util.Arrays;
import java.util.Map;

/**
 * Downstream metrics of a dictionary: the model's next-token loss when the dictionary's reconstruction
 * replaces the activation at its hook ({@link Transformer#runWithHooks}), against the clean model and
 * against zero-ablating the hook. CE loss recovered is {@link SaeEval#ceLossRecovered}; KL is the mean over
 * positions of KL(p_clean ‖ p_patched) of the next-token distributions, in nats.
 *
 * <p>The positions spliced (and zero-ablated) are the ones a harvest keeps: special-token positions
 * (per {@link HarvestOptions#excludeSpecial}) keep their clean value, since the dictionary never saw them.
 * Losses are {@link Transformer#loss} (mean over positions t &lt; seq−1) averaged over windows, in double.
 * Reference: SAELens's {@code get_recons_loss} (same three losses and ratio).
 */
public final class SpliceEval {
    private SpliceEval() {}

    /**
     * @param cleanLoss   loss of the unmodified model
     * @param zeroLoss    loss with the hook zero-ablated
     * @param splicedLoss loss with the reconstruction spliced in
     * @param ceRecovered (zero − spliced) / (zero − clean)
     * @param klSpliced   mean KL(clean ‖ spliced) per position
     * @param klZero      mean KL(clean ‖ zero-ablated) per position
     * @param windows     windows evaluated
     */
    public record Report(double cleanLoss, double zeroLoss, double splicedLoss, double ceRecovered,
                         double klSpliced, double klZero, int windows) {}

    public static Report evaluate(Transformer model, String hook, Dictionary dict, int[][] windows, HarvestOptions opts) {
        if (!model.hookNames().contains(hook)) throw new ConfigException("model " + model.config().name() + " has no hook '" + hook + "'");
        if (windows.length == 0) throw new ConfigException("no windows to evaluate the spliced model on");
        double clean = 0, zero = 0, spliced = 0, klS = 0, klZ = 0;
        long positions = 0;
        for (int from = 0; from < windows.length; from += opts.batchSize()) {
            int[][] batch = Arrays.copyOfRange(windows, from, Math.min(windows.length, from + opts.batchSize()));
            Tensor c = model.forward(batch);
            Tensor z = model.runWithHooks(batch, Map.of(hook, replace(batch, dict, opts, true)));
            Tensor s = model.runWithHooks(batch, Map.of(hook, replace(batch, dict, opts, false)));
            clean += Transformer.loss(c, batch) * batch.length;
            zero += Transformer.loss(z, batch) * batch.length;
            spliced += Transformer.loss(s, batch) * batch.length;
            klS += klSum(c, s);
            klZ += klSum(c, z);
            positions += (long) batch.length * batch[0].length;
        }
        int n = windows.length;
        return new Report(clean / n, zero / n, spliced / n, SaeEval.ceLossRecovered(clean / n, zero / n, spliced / n),
                klS / positions, klZ / positions, n);
    }

    /** A hook writing zeros or decode(encode(x)) into the non-special positions of act [batch, seq, d]. */
    private static Hook replace(int[][] batch, Dictionary dict, HarvestOptions opts, boolean zeros) {
        return (act, ctx) -> {
            int B = act.dim(0), S = act.dim(1), d = act.numel() / (B * S);
            if (d != dict.dIn()) throw new ConfigException("the dictionary reads width " + dict.dIn() + " but hook " + ctx.name() + " has width " + d);
            float[] x = act.data().clone();
            float[] recon = zeros ? null : dict.decode(dict.encode(new Tensor(act.data().clone(), B * S, d))).data();
            for (int r = 0; r < B * S; r++) {
                if (opts.isSpecial(batch[r / S][r % S], r % S)) continue;
                if (zeros) Arrays.fill(x, r * d, (r + 1) * d, 0f);
                else System.arraycopy(recon, r * d, x, r * d, d);
            }
            return new Tensor(x, act.shape());
        };
    }

    /** Σ over positions of KL(p ‖ q) for logits [batch, seq, vocab], in double. */
    private static double klSum(Tensor p, Tensor q) {
        int V = p.dim(2), rows = p.numel() / V;
        float[] a = p.data(), b = q.data();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * V;
            double la = logSumExp(a, o, V), lb = logSumExp(b, o, V), kl = 0;
            for (int v = 0; v < V; v++) {
                double lp = a[o + v] - la;
                kl += Math.exp(lp) * (lp - (b[o + v] - lb));
            }
            total += Math.max(0, kl);
        }
        return total;
    }

    private static double logSumExp(float[] x, int o, int n) {
        double max = Double.NEGATIVE_INFINITY, s = 0;
        for (int i = 0; i < n; i++) max = Math.max(max, x[o + i]);
        for (int i = 0; i < n; i++) s += Math.exp(x[o + i] - max);
        return max + Math.log(s);
    }
}
