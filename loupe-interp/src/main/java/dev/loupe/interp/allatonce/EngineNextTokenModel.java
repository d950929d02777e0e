package dev.loupe.interp.allatonce;

import dev.loupe.interp.Excerpts;
import dev.loupe.interp.InterpFailure;
import dev.loupe.interp.SimulatorFactory;
import dev.loupe.interp.prompt.FewShotExamples;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link NextTokenModel} over Loupe's own engine: one {@link Transformer#forward} pass over the whole
 * simulation prompt (with BOS prepended when the tokenizer has one) and the logits at the requested
 * positions, so the all-at-once simulator reads the exact next-token distribution (no API logprobs).
 *
 * <p>Not a batcher: one prompt per pass. {@link Transformer} is not thread-safe, so passes are
 * serialised on this object; concurrent features wait for each other. Prompts longer than the model's
 * context fail that feature ({@link InterpFailure}) rather than being truncated, which would drop
 * the explanation. Needs a tokenizer that encodes continuations exactly (HF byte-level BPE); a
 * llama2.c tokenizer adds SentencePiece's dummy-prefix space to every piece and is refused.
 */
public final class EngineNextTokenModel implements NextTokenModel {
    private final Transformer model;
    private final Tokenizer tokenizer;
    private final int bos;   // -1: nothing prepended
    private final String name;

    public EngineNextTokenModel(Transformer model, Tokenizer tokenizer, boolean prependBos, String name) {
        if (tokenizer.vocabSize() > model.config().vocab()) {
            throw new ConfigException("tokenizer of " + name + " has " + tokenizer.vocabSize() + " ids but the model only " + model.config().vocab()
                    + " logits; pass the tokenizer that belongs to the model");
        }
        String probe = "\tunknown\n";
        if (!tokenizer.decode(tokenizer.encode(probe, false), false).equals(probe)) {
            throw new ConfigException("tokenizer of " + name + " does not encode text pieces exactly (it adds a prefix, as llama2.c tokenizers do); "
                    + "the all-at-once simulator needs an HF tokenizer.json model");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.bos = prependBos && tokenizer.bosId().isPresent() ? tokenizer.bosId().getAsInt() : -1;
        this.name = name;
    }

    /** Loads an HF model directory with its {@code tokenizer.json}; BOS is prepended when the tokenizer defines one. */
    public static EngineNextTokenModel load(Path modelDir) {
        Transformer m = ModelLoader.load(modelDir);
        return new EngineNextTokenModel(m, Tokenizers.load(ModelLoader.tokenizerNextTo(modelDir)), true, modelDir.getFileName().toString());
    }

    public String name() { return name; }

    public Transformer model() { return model; }

    /** Encodes prompt pieces as continuations (no special tokens), as {@link AllAtOnceSimulator} requires. */
    public TextEncoder encoder() { return text -> tokenizer.encode(text, false); }

    /** All-at-once simulators on this model with the given few-shot examples. */
    public SimulatorFactory simulators(List<FewShotExamples.Example> examples) {
        TextEncoder enc = encoder();
        int[] digits = DigitExpectation.digitIds(enc);
        // A model whose context cannot hold the prompt of one standard excerpt fails every feature:
        // refuse it once, up front (each excerpt token is a "token<TAB>unknown" line of several tokens).
        String[] probe = new String[Excerpts.DEFAULT_LENGTH];
        java.util.Arrays.fill(probe, " x");
        int need = new AllAtOnceSimulator(this, enc, digits, "x", examples).encode(probe).ids().length + (bos >= 0 ? 1 : 0);
        int ctx = model.config().nCtx();
        if (need > ctx) {
            throw new ConfigException("the all-at-once simulation prompt for a " + Excerpts.DEFAULT_LENGTH + "-token excerpt is " + need + " tokens ("
                    + examples.size() + " few-shot examples) but " + name + " has a context of " + ctx + "; use a model with a longer context (e.g. gpt2: 1024)");
        }
        return e -> new AllAtOnceSimulator(this, enc, digits, e.text(), examples);
    }

    @Override public synchronized float[][] logitsAt(int[] tokenIds, int[] positions) {
        int shift = bos >= 0 ? 1 : 0, seq = tokenIds.length + shift, ctx = model.config().nCtx();
        if (seq > ctx) {
            throw new InterpFailure("simulation prompt is " + seq + " tokens but " + name + " has a context of " + ctx
                    + "; use fewer few-shot examples, shorter excerpts or a longer-context model");
        }
        int[] in = new int[seq];
        if (shift == 1) in[0] = bos;
        System.arraycopy(tokenIds, 0, in, shift, tokenIds.length);
        Tensor logits = model.forward(new int[][] {in});  // [1, seq, vocab]
        int vocab = model.config().vocab();
        float[] data = logits.data();
        float[][] out = new float[positions.length][];
        for (int i = 0; i < positions.length; i++) {
            int p = positions[i];
            if (p < 0 || p >= tokenIds.length) throw new IllegalArgumentException("position " + p + " is outside the prompt of " + tokenIds.length + " tokens");
            int from = (p + shift) * vocab;
            out[i] = java.util.Arrays.copyOfRange(data, from, from + vocab);
        }
        return out;
    }
}
