package dev.loupe.intervene;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Generator;
import dev.loupe.model.Hook;
import dev.loupe.model.HookHandle;
import dev.loupe.model.Sampling;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;

import java.util.Arrays;
import java.util.List;

/**
 * Steering with dictionary features: a {@link Hook} that applies {@link FeatureEdit}s at every position
 * of a hook point (prompt and generated tokens alike), and a side-by-side comparison of a completion
 * with and without it (Templeton et al. 2024 clamp features during generation; Anthropic's
 * "Towards Monosemanticity" steering). Not a sampler: generation is {@link Generator}'s, with the same
 * {@link Sampling} (and seed) for both runs, so the only difference between the two texts is the edit.
 */
public final class Steering {
    private Steering() {}

    /** Completions of one prompt with and without the edits (the generated text only). */
    public record Steered(String steered, String unsteered) {}

    /** Generates {@code maxNew} tokens from {@code prompt} twice: with the edits hooked at {@code hook}, and without. */
    public static Steered compare(Transformer model, Tokenizer tok, String hook, Dictionary dict, List<FeatureEdit> edits,
                                  String prompt, int maxNew, Sampling sampling) {
        int[] ids = tok.encode(prompt, true);
        if (ids.length == 0) throw new ConfigException("the prompt encodes to no tokens; give a non-empty prompt");
        int stop = tok.eosId().orElse(-1);
        String plain = newText(tok, ids, Generator.generate(model, ids, maxNew, sampling, stop, true));
        String steered;
        try (HookHandle h = model.addHook(hook, hook(dict, edits))) {
            steered = newText(tok, ids, Generator.generate(model, ids, maxNew, sampling, stop, true));
        }
        return new Steered(steered, plain);
    }

    /**
     * A hook applying the edits to every row of an activation [batch, pos, dIn] (rank ≥ 2, last
     * dimension = the dictionary's width): x += Σ_e δ_e·d_{f_e}, δ = α for ADD, value − c_f(x) for CLAMP.
     */
    public static Hook hook(Dictionary dict, List<FeatureEdit> edits) {
        if (edits.isEmpty()) throw new ConfigException("no feature edits given; steer needs at least one (e.g. 12+4 or 7=0)");
        int m = dict.dFeatures(), d = dict.dIn(), k = edits.size();
        for (FeatureEdit e : edits)
            if (e.feature() >= m) throw new ConfigException("feature " + e.feature() + " is outside the dictionary's " + m + " features");
        int[] features = edits.stream().mapToInt(FeatureEdit::feature).toArray();
        float[] dirs = FeatureSpace.directions(dict, features);                       // [k, d]
        boolean clamps = edits.stream().anyMatch(e -> e.mode() == FeatureEdit.Mode.CLAMP);
        return (act, ctx) -> {
            int n = FeatureSpace.rows(act, d, ctx.name());
            float[] codes = clamps ? dict.encode(new Tensor(act.data(), n, d)).data() : null;   // [n, m]
            float[] coef = new float[n * k];                                                   // [n, k]
            for (int r = 0; r < n; r++) {
                for (int e = 0; e < k; e++) {
                    FeatureEdit ed = edits.get(e);
                    coef[r * k + e] = (float) (ed.mode() == FeatureEdit.Mode.ADD ? ed.value() : ed.value() - codes[r * m + ed.feature()]);
                }
            }
            Tensor out = act.copy();
            FeatureSpace.addCombination(out.data(), n, d, coef, dirs, k);
            return out;
        };
    }

    /** Text of the generated ids alone, decoded in context so a leading space or merge comes out right. */
    private static String newText(Tokenizer tok, int[] prompt, int[] generated) {
        String before = tok.decode(prompt, true);
        int[] all = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, all, prompt.length, generated.length);
        String whole = tok.decode(all, true);
        return whole.startsWith(before) ? whole.substring(before.length()) : tok.decode(generated, true);
    }
}
