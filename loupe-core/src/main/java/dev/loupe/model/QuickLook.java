package dev.loupe.model;

import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * A first look at a model, as text: its configuration, a greedy continuation of a prompt, the
 * next-token loss of that text, and for each token the most active unit at one hook (by default the
 * last layer's MLP neurons). What {@code loupe demo} prints until the full pipeline (SAE, analysis,
 * auto-interp, browser) is wired behind it. Not an analysis: one prompt, no statistics.
 */
public final class QuickLook {
    private QuickLook() {}

    public static String report(Transformer model, Tokenizer tok, String prompt, int maxNew) {
        TransformerConfig c = model.config();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "model    %s: %d layer(s), d_model %d, %d heads, d_mlp %d, vocab %d, context %d%n",
                c.name(), c.nLayers(), c.dModel(), c.nHeads(), c.dMlp(), c.vocab(), c.nCtx()));
        out.append("hooks    ").append(model.hookNames().size()).append(" hook points, e.g. ")
                .append(String.join(", ", model.hookNames().subList(0, Math.min(4, model.hookNames().size())))).append('\n');
        int[] ids = tok.encode(prompt, true);
        int room = Math.max(0, Math.min(maxNew, c.nCtx() - ids.length));
        int[] gen = Generator.generate(model, ids, room, Sampling.greedyDecoding(), tok.eosId().orElse(-1), true);
        int[] all = IntStream.concat(Arrays.stream(ids), Arrays.stream(gen)).toArray();
        out.append("prompt   ").append(prompt.replace("\n", "\\n")).append('\n');
        out.append("greedy   ").append(tok.decode(all, true).replace("\n", "\\n")).append('\n');

        String hook = "blocks." + (c.nLayers() - 1) + ".mlp.hook_post";
        ActivationCache cache = model.runWithCache(new int[][]{all}, java.util.List.of(hook));
        Tensor logits = model.forward(new int[][]{all});
        out.append(String.format(Locale.ROOT, "loss     %.3f nats/token over the %d tokens above%n", Transformer.loss(logits, new int[][]{all}), all.length));
        float[] acts = cache.get(hook).data();        // [1, seq, d_mlp]
        int f = c.dMlp();
        out.append("top neuron per token at ").append(hook).append(":\n");
        for (int t = 0; t < all.length; t++) {
            int best = 0;
            for (int j = 1; j < f; j++) if (acts[t * f + j] > acts[t * f + best]) best = j;
            out.append(String.format(Locale.ROOT, "  %-16s neuron %4d  %7.3f%n", quote(tok.displayToken(all[t])), best, acts[t * f + best]));
        }
        return out.toString();
    }

    private static String quote(String s) { return "'" + s + "'"; }
}
