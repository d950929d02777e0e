package dev.loupe.lm;

import dev.loupe.util.ConfigException;

/**
 * Tokenised training and held-out streams: documents concatenated, each followed by the
 * end-of-text token. Training windows are sampled from {@code train}; held-out loss is measured on
 * fixed windows of {@code heldOut}.
 */
public record TokenSplit(int[] train, int[] heldOut) {
    public TokenSplit {
        if (train == null || heldOut == null) throw new ConfigException("token split is missing a stream");
    }

    /** Checks both streams are long enough for windows of {@code context + 1} tokens and in the vocabulary. */
    public void validate(Gpt2Config model) {
        if (train.length <= model.context() + 1)
            throw new ConfigException("training split has " + train.length + " tokens, fewer than context+1 = " + (model.context() + 1) + ": use a larger corpus or a smaller --context");
        if (heldOut.length <= model.context() + 1)
            throw new ConfigException("held-out split has " + heldOut.length + " tokens, fewer than context+1 = " + (model.context() + 1) + ": use a larger corpus or a larger held-out fraction");
        for (int[] s : new int[][]{train, heldOut}) {
            for (int t : s) {
                if (t < 0 || t >= model.vocabSize())
                    throw new ConfigException("token id " + t + " is outside the model vocabulary " + model.vocabSize() + ": the tokenizer and --vocab disagree");
            }
        }
    }

    /** FNV-1a hash of the training stream; a checkpoint records it so a resume on other data fails. */
    public long trainHash() {
        long h = 0xcbf29ce484222325L;
        for (int t : train) { h ^= t; h *= 0x100000001b3L; }
        return h;
    }
}
