package dev.loupe.model;

import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.util.Arrays;

/**
 * Autoregressive generation for one sequence: prefill the prompt, then one token per step, with a KV
 * cache (default) or by recomputing the whole prefix each step (the reference the cache is tested
 * against). Hooks registered on the model fire during generation and see only the new positions
 * ({@link HookContext#startPos()} tells where they are). Not batched and not a tokenizer: ids in, ids out.
 * Must agree with llama2.c's greedy decoding (stories260K reference tokens).
 */
public final class Generator {
    private Generator() {}

    /** Returns the {@code maxNew} generated ids (fewer if {@code stopToken} (≥ 0) is produced; it is included). */
    public static int[] generate(Transformer model, int[] prompt, int maxNew, Sampling sampling, int stopToken, boolean useCache) {
        int nCtx = model.config().nCtx(), V = model.config().vocab();
        if (prompt.length == 0) throw new ConfigException("the prompt is empty; give at least one token (e.g. BOS)");
        if (maxNew < 0) throw new ConfigException("max new tokens must be >= 0, got " + maxNew);
        if (prompt.length + maxNew > nCtx)
            throw new ConfigException("prompt of " + prompt.length + " tokens + " + maxNew + " new tokens exceeds the model's context of "
                    + nCtx + " positions; lower --max-new to at most " + Math.max(0, nCtx - prompt.length));
        if (maxNew == 0) return new int[0];
        Sampling.Picker picker = sampling.picker();
        int[] seq = Arrays.copyOf(prompt, prompt.length + maxNew);
        int len = prompt.length, produced = 0;
        KvCache cache = useCache ? new KvCache(model.config(), 1, prompt.length + maxNew) : null;
        int[] next = prompt;
        while (produced < maxNew) {
            // with the cache only the last position's logits are computed ([1, vocab])
            Tensor logits = useCache ? model.prefill(new int[][]{next}, cache)
                                     : model.forward(new int[][]{Arrays.copyOf(seq, len)});
            int id = picker.pick(logits.data(), logits.numel() - V, V);
            seq[len++] = id;
            produced++;
            next = new int[]{id};
            if (id == stopToken) break;
        }
        return Arrays.copyOfRange(seq, prompt.length, len);
    }
}
