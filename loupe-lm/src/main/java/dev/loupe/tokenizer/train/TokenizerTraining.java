package dev.loupe.tokenizer.train;

import dev.loupe.corpus.Document;
import dev.loupe.corpus.TextCorpus;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.LoupeException;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Façade of {@code loupe train-tokenizer}: read the corpus, apply the {@link TextCorpus} rules and
 * split (the same split {@code train-lm} uses, so the held-out files are unseen by both), learn BPE on
 * a deterministic sample of at most {@code maxBytes} of training text, write {@code tokenizer.json},
 * then load it with {@link Tokenizers#load} and prove it lossless on every held-out document.
 */
public final class TokenizerTraining {
    /** Outcome: vocabulary size, merges, bytes learned from, held-out docs checked and their bytes/token. */
    public record Result(int vocabSize, int merges, long trainBytes, int heldOutDocs, double heldOutBytesPerToken, double seconds) {}

    private TokenizerTraining() {}

    public static Result run(Path corpus, int vocabSize, long maxBytes, double heldOutFraction, Path out, PrintWriter log) {
        long t0 = System.nanoTime();
        var trainer = new BpeTrainer(vocabSize);
        List<Document> docs = TextCorpus.read(corpus);
        TextCorpus.Split split = TextCorpus.split(docs, heldOutFraction);
        long total = 0;
        for (var d : split.train()) total += d.text().length();
        // keep a document when its hash bucket is below the wanted fraction: a uniform sample across the corpus
        long keep = total <= maxBytes ? 10_000 : Math.max(1, 10_000 * maxBytes / total);
        long used = 0;
        for (var d : split.train()) {
            if (TextCorpus.bucket(d.id(), "tokenizer-sample", 10_000) >= keep) continue;
            trainer.add(d.text());
            used += d.text().getBytes(StandardCharsets.UTF_8).length;
        }
        log.printf(Locale.ROOT, "%d documents (%d held out); learning %d merges from %.1f MB in %d unique pre-tokens%n",
                docs.size(), split.heldOut().size(), vocabSize - 257, used / 1e6, trainer.uniqueWords());
        BpeModel model = trainer.train(log::println);
        model.write(out);
        Tokenizer written = Tokenizers.load(out);   // check the file as every other tool will read it
        long bytes = 0, tokens = 0;
        for (var d : split.heldOut()) {
            int[] ids = written.encode(d.text(), false);
            if (!written.decode(ids, false).equals(d.text()))
                throw new LoupeException("tokenizer round trip failed on held-out document " + d.id() + " (please report: BPE must be lossless)");
            bytes += d.text().getBytes(StandardCharsets.UTF_8).length;
            tokens += ids.length;
        }
        double bpt = tokens == 0 ? Double.NaN : (double) bytes / tokens;
        log.printf(Locale.ROOT, "wrote %s: vocab %d; held-out round trip exact on %d documents, %.2f bytes/token%n",
                out.resolve("tokenizer.json"), model.vocabSize(), split.heldOut().size(), bpt);
        return new Result(model.vocabSize(), model.mergeCount(), used, split.heldOut().size(), bpt, (System.nanoTime() - t0) / 1e9);
    }
}
