package dev.loupe.lm;

import dev.loupe.corpus.TextCorpus;
import dev.loupe.tensor.Ops;

import dev.loupe.util.AtomicFiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loupe.tensor.GemmCeiling;
import dev.loupe.tensor.Kernels;
import dev.loupe.corpus.Document;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;
import dev.loupe.util.LoupeException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

/**
 * Façade of {@code loupe train-lm}: corpus → {@link TextCorpus} rules and split → tokens (each document
 * followed by the tokenizer's eos, {@code <|endoftext|>}) → {@link LmTrainer} → an HF GPT-2 directory in {@code out}
 * ({@code config.json}, {@code model.safetensors}, the tokenizer files) plus {@code train_config.json},
 * {@code provenance.json} and {@code train_result.json} (tokens seen, wall time, held-out loss and, for
 * comparison, the held-out loss of a unigram model fitted on the training tokens).
 */
public final class TrainLm {
    /** A finished run. {@code unigramLoss}: add-one-smoothed unigram cross-entropy on the held-out split (nats/token). */
    public record Result(LmTrainer.Result training, long trainTokens, long heldOutTokens, double unigramLoss) {}

    private TrainLm() {}

    /** Tokenises a split with the tokenizer (documents in parallel, concatenated in corpus order). */
    public static TokenSplit tokenize(TextCorpus.Split split, Tokenizer tok) {
        return new TokenSplit(tokenize(split.train(), tok), tokenize(split.heldOut(), tok));
    }

    private static int[] tokenize(List<Document> docs, Tokenizer tok) {
        int[][] parts = new int[docs.size()][];
        Ops.forRows(docs.size(), i -> parts[i] = tok.encode(docs.get(i).text(), false));
        long n = 0;
        for (int[] p : parts) n += p.length + 1;
        if (n > Integer.MAX_VALUE - 16) throw new ConfigException("corpus has " + n + " tokens, more than one array holds: use a smaller corpus");
        int[] out = new int[(int) n];
        int o = 0, eot = tok.eosId().getAsInt();
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
            out[o++] = eot;
        }
        return out;
    }

    private static TokenSplit load(Path corpus, Tokenizer tok, double heldOutFraction, PrintWriter log) {
        long t0 = System.nanoTime();
        TextCorpus.Split split = TextCorpus.split(TextCorpus.read(corpus), heldOutFraction);
        TokenSplit data = tokenize(split, tok);
        log.printf(Locale.ROOT, "corpus %s: %d train documents (%d tokens), %d held-out (%d tokens), tokenised in %.1f s%n",
                corpus, split.train().size(), data.train().length, split.heldOut().size(), data.heldOut().length,
                (System.nanoTime() - t0) / 1e9);
        return data;
    }

    private static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * The GEMM ceiling ({@link GemmCeiling}) right after training, median of three measurements, so the
     * run's steady speed can be read as a fraction of it, as {@code loupe bench train-lm} reports
     * (which interleaves the two and is the measurement to quote).
     */
    private static double ceilingAfterTraining() {
        GemmCeiling c = new GemmCeiling();
        double[] g = {c.measure(), c.measure(), c.measure()};
        java.util.Arrays.sort(g);
        return g[1];
    }

    /** Held-out cross-entropy (nats/token) of the add-one-smoothed unigram distribution of the training tokens. */
    public static double unigramLoss(TokenSplit data, int vocab) {
        long[] counts = new long[vocab];
        for (int t : data.train()) counts[t]++;
        double total = data.train().length + (double) vocab, loss = 0;
        for (int t : data.heldOut()) loss -= Math.log((counts[t] + 1) / total);
        return loss / data.heldOut().length;
    }

    /** The tokenizer in dir (HF tokenizer.json); it must name an end-of-text (eos) token to separate documents. */
    public static Tokenizer tokenizer(Path dir) {
        Path tokFile = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokFile))
            throw new ConfigException("--tokenizer " + dir + " has no tokenizer.json: train one with loupe train-tokenizer");
        Tokenizer tok = Tokenizers.load(dir);
        if (tok.eosId().isEmpty())
            throw new ConfigException("--tokenizer " + dir + " names no eos token (tokenizer_config.json eos_token): documents need a separator");
        return tok;
    }

    public static Result run(TrainLmConfig cfg, Path corpus, Path tokenizerDir, double heldOutFraction,
                             Path out, boolean resume, PrintWriter log) {
        Tokenizer tok = tokenizer(tokenizerDir);
        if (tok.vocabSize() != cfg.model().vocabSize())
            throw new ConfigException("model vocab " + cfg.model().vocabSize() + " differs from the tokenizer's " + tok.vocabSize());
        TokenSplit data = load(corpus, tok, heldOutFraction, log);   // the text is garbage once tokenised
        double unigram = unigramLoss(data, tok.vocabSize());
        log.printf(Locale.ROOT, "unigram held-out loss %.4f nats/token%n", unigram);
        Gpt2Config m = cfg.model();
        log.printf(Locale.ROOT, "model: %d layers, d_model %d, d_mlp %d, %d heads, context %d, vocab %d, %s; %d steps × %d tokens; %s%n",
                m.layers(), m.dModel(), m.dMlp(), m.heads(), m.context(), m.vocabSize(), m.act().hfName(),
                cfg.steps(), cfg.tokensPerStep(), LmTrainer.computeSetting());
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new LoupeException("cannot create --out " + out + ": " + e.getMessage(), e);
        }
        var json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        var trainer = new LmTrainer(cfg, data, out, resume, log);
        LmTrainer.Result r = trainer.run(Long.MAX_VALUE);
        double steadyGflops = r.medianIntervalTokensPerSecond() / cfg.tokensPerStep() * m.trainingFlops(cfg.batchSize(), m.context()) / 1e9;
        double ceiling = Double.isNaN(steadyGflops) ? Double.NaN : ceilingAfterTraining();
        if (!Double.isNaN(ceiling)) {
            log.printf(Locale.ROOT, "throughput: %.0f tok/s, %.1f GFLOP/s (median log interval) = %.1f%% of the OpenBLAS ceiling measured now (%.1f GFLOP/s, sgemm 2048³, %d threads)%n",
                    r.medianIntervalTokensPerSecond(), steadyGflops, 100 * steadyGflops / ceiling, ceiling, Kernels.threads());
        }
        HfGpt2.write(trainer.model(), tok.eosId().getAsInt(), out);
        try {
            for (String f : new String[]{"tokenizer.json", "tokenizer_config.json"}) {
                if (Files.exists(tokenizerDir.resolve(f)))
                    Files.copy(tokenizerDir.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            AtomicFiles.writeString(out.resolve("train_config.json"), json.writeValueAsString(cfg) + "\n");
            var prov = new LinkedHashMap<String, Object>();
            prov.put("tool", "loupe train-lm");
            prov.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version());
            prov.put("backend", Kernels.gemm().name());
            prov.put("threads", Kernels.threads());
            prov.put("seed", cfg.seed());
            prov.put("corpus", corpus.toAbsolutePath().toString());
            if (Files.isRegularFile(corpus)) prov.put("corpus_sha256", sha256(corpus));
            prov.put("tokenizer_sha256", sha256(tokenizerDir.resolve("tokenizer.json")));
            prov.put("held_out_fraction", heldOutFraction);
            prov.put("train_tokens_fnv1a", Long.toHexString(data.trainHash()));
            AtomicFiles.writeString(out.resolve("provenance.json"), json.writeValueAsString(prov) + "\n");
            var res = new LinkedHashMap<String, Object>();
            res.put("steps", r.step());
            res.put("tokens_seen", r.tokensSeen());
            res.put("train_tokens", data.train().length);
            res.put("held_out_tokens", data.heldOut().length);
            res.put("final_train_loss", r.trainLoss());
            res.put("held_out_loss", r.heldOutLoss());
            res.put("unigram_held_out_loss", unigram);
            res.put("wall_seconds_this_session", r.seconds());
            res.put("tokens_per_second_this_session", r.tokensPerSecond());
            if (!Double.isNaN(ceiling)) {
                res.put("median_interval_tokens_per_second", r.medianIntervalTokensPerSecond());
                res.put("median_interval_gflops", steadyGflops);
                res.put("ceiling_gflops_after_training", ceiling);
                res.put("fraction_of_ceiling", steadyGflops / ceiling);
            }
            AtomicFiles.writeString(out.resolve("train_result.json"), json.writeValueAsString(res) + "\n");
        } catch (IOException e) {
            throw new LoupeException("cannot write run files into " + out + ": " + e.getMessage(), e);
        }
        log.printf(Locale.ROOT, "done: %d steps, held-out loss %.4f (unigram %.4f), %s; model in %s%n",
                r.step(), r.heldOutLoss(), unigram, LmTrainer.duration(r.seconds()), out);
        return new Result(r, data.train().length, data.heldOut().length, unigram);
    }
}
