package dev.loupe.activations;

import dev.loupe.corpus.Document;
import dev.loupe.corpus.TextCorpus;
import dev.loupe.corpus.TokenWindows;
import dev.loupe.model.RandomInit;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CLI's way into harvesting: a model folder (or its random-weights control), its tokenizer, and
 * BOS-prepended windows that stay inside documents, read lazily from one side of {@link TextCorpus}'s split
 * with {@link #HELD_OUT_FRACTION} (train-lm's default, so "train" is the text the LM was trained on).
 * Not the harvesting itself ({@link Harvester}).
 */
public final class CorpusHarvest {
    /** The held-out fraction {@code loupe train-lm} splits with by default. */
    public static final double HELD_OUT_FRACTION = 0.02;

    private CorpusHarvest() {}

    /** The model at {@code dir}; with {@code randomSeed} non-null, a re-initialised copy of its architecture ({@link RandomInit#like}). */
    public static Transformer model(Path dir, Long randomSeed) {
        Transformer m = ModelLoader.load(dir);
        return randomSeed == null ? m : RandomInit.like(m, randomSeed);
    }

    public static Tokenizer tokenizer(Path modelDir) { return Tokenizers.load(ModelLoader.tokenizerNextTo(modelDir)); }

    /** Lazy windows over a corpus (null: {@link TextCorpus#defaultCorpus()}); close it to close the corpus file. */
    public static final class Windows implements Iterator<TokenWindows.Window>, AutoCloseable {
        private final Stream<Document> docs;
        private final TokenWindows it;

        private Windows(Stream<Document> docs, TokenWindows it) { this.docs = docs; this.it = it; }

        @Override public boolean hasNext() { return it.hasNext(); }
        @Override public TokenWindows.Window next() { return it.next(); }
        @Override public void close() { docs.close(); }

        /** Up to {@code max} windows' ids as [windows][context]. */
        public int[][] take(int max) {
            List<TokenWindows.Window> ws = new ArrayList<>();
            while (ws.size() < max && it.hasNext()) ws.add(it.next());
            return TokenWindows.tokens(ws);
        }
    }

    public static Windows windows(Path corpus, boolean heldOut, Tokenizer tok, Transformer model, int contextSize) {
        if (contextSize < 2 || contextSize > model.config().nCtx())
            throw new ConfigException("context " + contextSize + " must be in [2, " + model.config().nCtx() + "] (the model's context)");
        Stream<Document> docs = TextCorpus.stream(corpus == null ? TextCorpus.defaultCorpus() : corpus, HELD_OUT_FRACTION, heldOut);
        return new Windows(docs, new TokenWindows(docs.iterator(), tok, TokenWindows.Options.of(contextSize, tok, true)));
    }

    /** {@link Harvester#harvest} of a model folder over a corpus split; special ids from the model's tokenizer. */
    public static HarvestSummary harvest(Path modelDir, Long randomSeed, List<String> hooks, Path corpus, boolean heldOut,
                                         int contextSize, long tokens, HarvestOptions opts, Path out, PrintStream progress) {
        Transformer model = model(modelDir, randomSeed);
        Tokenizer tok = tokenizer(modelDir);
        try (Windows ws = windows(corpus, heldOut, tok, model, contextSize)) {
            return Harvester.harvest(model, hooks, ws, tokens, opts.withSpecialIds(tok), out, progress);
        }
    }
}
