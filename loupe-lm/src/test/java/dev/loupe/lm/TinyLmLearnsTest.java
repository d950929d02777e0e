package dev.loupe.lm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behavioural check: a tiny model trained for a few hundred steps on a formal language learns its
 * structure. The language is a stream of "words" chosen uniformly from a fixed set of bracketed
 * patterns; each word starts with its own opening token, so once a word has started the rest is
 * determined, but inner tokens like ')' are shared between words, so predicting what follows them
 * needs context beyond the previous token.
 *
 * <p>Bounds, computed here from the language rather than from the model: the entropy rate is
 * {@code ln(W) / mean word length} nats/token (one uniform choice among W words per word), the
 * lowest loss any model can reach; the unigram entropy of the training tokens is what a model
 * ignoring context reaches. Asserting held-out loss below {@code rate + 0.15·(unigram − rate)} means
 * the model captured at least 85% of the learnable structure (random init starts near ln(vocab));
 * asserting it below the bigram conditional entropy means it uses more than the previous token.
 */
class TinyLmLearnsTest {
    static final int[][] WORDS = {
            {0, 5, 6, 1},           // ( a b )
            {2, 7, 0, 8, 1, 3},     // [ c ( d ) ]
            {9, 5, 5, 1},           // { a a )
            {10, 6, 3, 1, 11},      // < b ] ) >
            {12, 7, 7, 3},          // x c c ]
            {13, 8, 1, 6, 1, 3},    // y d ) b ) ]
    };
    static final int VOCAB = 14;

    static int[] stream(Random r, int n) {
        int[] out = new int[n];
        int i = 0;
        while (i < n) for (int t : WORDS[r.nextInt(WORDS.length)]) if (i < n) out[i++] = t;
        return out;
    }

    @Test void heldOutLossFallsWellBelowTheUnigramEntropy(@TempDir Path dir) {
        var r = new Random(11);
        var data = new TokenSplit(stream(r, 40_000), stream(r, 4_000));
        double meanLen = 0;
        for (int[] w : WORDS) meanLen += w.length;
        meanLen /= WORDS.length;
        double rate = Math.log(WORDS.length) / meanLen;
        long[] counts = new long[VOCAB];
        for (int t : data.train()) counts[t]++;
        double unigram = 0;
        for (long c : counts) if (c > 0) { double p = (double) c / data.train().length; unigram -= p * Math.log(p); }
        double bound = rate + 0.15 * (unigram - rate);
        long[][] pairs = new long[VOCAB][VOCAB];
        for (int i = 0; i + 1 < data.train().length; i++) pairs[data.train()[i]][data.train()[i + 1]]++;
        double bigram = 0;   // plug-in H(next | previous): what the best previous-token-only model reaches
        for (int a = 0; a < VOCAB; a++) {
            long row = java.util.Arrays.stream(pairs[a]).sum();
            for (long c : pairs[a]) if (c > 0) bigram -= (double) c / (data.train().length - 1) * Math.log((double) c / row);
        }

        var model = new Gpt2Config(VOCAB, 32, 2, 32, 2, 64, Gpt2Config.Activation.GELU_NEW, 1e-5f);
        var cfg = new TrainLmConfig(model, 16, 300, 3e-3, 0.1, 20, 0.0, 0.9, 0.95, 1e-8, 1.0, 300, 4, 1000, 1000, 3);
        var log = new StringWriter();
        var result = new LmTrainer(cfg, data, dir, false, new PrintWriter(log)).run(Long.MAX_VALUE);
        String why = String.format("held-out loss %.4f; bound %.4f (entropy rate %.4f, unigram %.4f, bigram %.4f)%n%s",
                result.heldOutLoss(), bound, rate, unigram, bigram, log);
        assertTrue(result.heldOutLoss() < bound, why);
        assertTrue(result.heldOutLoss() < bigram, "the model should use more context than the previous token: " + why);
    }
}
