// Streaming feature analysis of any Dictionary (SAE, neuron basis, PCA, ICA, random) at a hook of
// a model, over an iterator of token windows, in one pass with memory independent of corpus
// length (Cunningham et al. 2023 §4-5; Anthropic's / Neuronpedia's feature pages). Per batch of
// 32 windows: one forward to the hook (runWithCache; in the last block on to the final residual
// when the ablation effect needs it), then, in slices that bound the codes' memory, one encode
// (GEMM) and per-feature work on firing entries only, in parallel over fixed feature blocks
// (FeatureBlock). For a hook before the last block, the ablation samples come from W sampled
// windows run through the whole model after the pass (AblationWindows). At the end PageWriter
// computes the logit tables, the rank-one ablation effect and neighbours and hands every row to
// the AnalysisWriter; the caller commits. Not a store or a CLI: `loupe analyze` wires this to one.
package dev.loupe.features;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.ActivationCache;
import dev.loupe.model.Transformer;
import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;

public final class FeatureAnalyzer {
    /** Features per block: fixed (not per thread count) so that sampling does not depend on --threads. */
    private static final int BLOCKS = 16;
    /** Codes per encode (rows x features): bounds the codes' memory; a forward batch is encoded in slices of this size. */
    private static final long BATCH_CODES = 1L << 23;
    /** Windows per forward batch: enough rows for efficient GEMMs, whatever the dictionary's width. */
    private static final int MAX_BATCH = 32;
    private static final long PROGRESS_NANOS = 10_000_000_000L;

    private FeatureAnalyzer() {}

    public static AnalysisSummary analyze(Transformer model, Tokenizer tok, String hook, Dictionary dict,
                                          Iterator<TokenWindows.Window> windows, AnalysisOptions opts,
                                          AnalysisWriter out, PrintStream progress) {
        if (!model.hookNames().contains(hook))
            throw new ConfigException("model " + model.config().name() + " has no hook '" + hook + "'; use one of its hook names, e.g. blocks.0.hook_resid_post or blocks.0.mlp.hook_post");
        DictionaryInfo info = out.dictionary();
        if (info.dFeatures() != dict.dFeatures() || info.dIn() != dict.dIn())
            throw new ConfigException("store dictionary " + info.name() + " is " + info.dIn() + "x" + info.dFeatures() + " but the dictionary analysed is "
                    + dict.dIn() + "x" + dict.dFeatures() + "; register the dictionary under its own name");
        if (!windows.hasNext())
            throw new ConfigException("no token windows to analyse: the corpus is empty or every document is shorter than one context; use a larger corpus");
        int F = dict.dFeatures(), dIn = dict.dIn(), V = model.config().vocab(), D = model.config().dModel();
        HookPath path = HookPath.of(model, hook);
        boolean ablation = opts.ablationEffects() && path != null;
        String lastBlockPrefix = "blocks." + (model.config().nLayers() - 1) + ".", finalResid = lastBlockPrefix + "hook_resid_post";
        List<String> withResid = new ArrayList<>(new LinkedHashSet<>(List.of(hook, finalResid)));

        int per = (F + BLOCKS - 1) / BLOCKS;
        List<FeatureBlock> list = new ArrayList<>();
        for (int f0 = 0; f0 < F; f0 += per) list.add(new FeatureBlock(f0, Math.min(per, F - f0), opts, V, dIn, D, ablation));
        FeatureBlock[] blocks = list.toArray(FeatureBlock[]::new);
        // In the last block the final residual costs (almost) nothing: sample every firing token of the
        // corpus. Before it, sample only from W windows run through the later blocks after the pass.
        boolean lastBlock = hook.startsWith(lastBlockPrefix);
        AblationWindows sampled = ablation && !lastBlock ? new AblationWindows(opts.ablationWindows(), opts.seed()) : null;
        List<String> passHooks = ablation && lastBlock ? withResid : List.of(hook);
        RandomWindows random = new RandomWindows(opts.randomExamples(), opts.exampleWindow(), opts.seed());
        long[] tokenFreq = new long[V];
        long[] nanos = new long[3];         // forward, encode, statistics
        long tokens = 0, lastReport = System.nanoTime(), start = lastReport;
        int nWindows = 0;

        TokenWindows.Window first = windows.next();
        int S = first.tokens().length;
        List<TokenWindows.Window> pending = new ArrayList<>(List.of(first));
        while (true) {
            while (pending.size() < MAX_BATCH && windows.hasNext()) pending.add(windows.next());
            if (pending.isEmpty()) break;
            TokenWindows.Window[] ws = pending.toArray(TokenWindows.Window[]::new);
            pending.clear();
            int B = ws.length;
            for (int w = 0; w < B; w++) {
                int[] ids = ws[w].tokens();
                if (ids.length != S)
                    throw new ConfigException("token window " + (nWindows + w) + " has " + ids.length + " tokens but the first has " + S + "; windows must have one length");
                for (int t : ids) {
                    if (t < 0 || t >= V) throw new ConfigException("token id " + t + " in window " + (nWindows + w) + " is outside the model's vocabulary of " + V + "; use the model's own tokenizer");
                    tokenFreq[t]++;
                }
                if (sampled != null) sampled.offer(ws[w]);
            }
            run(model, dict, hook, finalResid, passHooks, ws, nanos, b -> {
                random.offer(b);
                Parallel.forRange(blocks.length, (lo, hi) -> { for (int i = lo; i < hi; i++) blocks[i].scan(b); });
            });
            tokens += (long) B * S;
            nWindows += B;
            long now = System.nanoTime();
            if (progress != null && now - lastReport > PROGRESS_NANOS) {
                progress.printf("analyze: %,d windows, %,d tokens, %.0f tokens/s%n", nWindows, tokens, tokens / ((now - start) / 1e9));
                lastReport = now;
            }
        }

        long t4 = System.nanoTime();
        int nSampled = 0;
        if (sampled != null) {
            List<TokenWindows.Window> kept = sampled.windows();
            nSampled = kept.size();
            for (int b0 = 0; b0 < kept.size(); b0 += MAX_BATCH)
                run(model, dict, hook, finalResid, withResid, kept.subList(b0, Math.min(kept.size(), b0 + MAX_BATCH)).toArray(TokenWindows.Window[]::new),
                        new long[3], b -> Parallel.forRange(blocks.length, (lo, hi) -> { for (int i = lo; i < hi; i++) blocks[i].sampleAblation(b); }));
        }
        long t5 = System.nanoTime();
        PageWriter.Result r = PageWriter.write(model, tok, dict, path, ablation, blocks, random, tokenFreq, tokens, opts, out, progress);
        long t6 = System.nanoTime();
        long fires = 0, pruned = 0;
        int withSamples = 0, threshold = 0;
        for (FeatureBlock blk : blocks) {
            for (long c : blk.fire) fires += c;
            for (int i = 0; i < blk.n; i++) if (blk.samples(i) > 0) withSamples++;
            pruned += blk.tokenBins.pruned();
            threshold = Math.max(threshold, blk.tokenBins.threshold());
        }
        if (progress != null && pruned > 0)
            progress.printf("per-token tables: %,d rare (feature, token, bin) counts dropped to bound memory (each seen at most %d times when dropped)%n", pruned, threshold);
        if (progress != null && ablation)
            progress.printf("ablation samples for %,d of %,d features (%s)%n", withSamples, F,
                    sampled == null ? "whole corpus" : String.format("%,d sampled windows", nSampled));
        String mode = !ablation ? "off" : path.exactAblation ? "exact" : "direct-path";
        return new AnalysisSummary(tokens, nWindows, F, r.dead(), (double) fires / tokens, nanos[0] / 1e9, nanos[1] / 1e9, nanos[2] / 1e9,
                (t6 - t5) / 1e9, mode, r.pages(), nSampled, withSamples, (t5 - t4) / 1e9);
    }

    /**
     * One forward batch: runs the windows to the given hooks, then encodes the hook activations in
     * slices of at most BATCH_CODES codes and hands each slice (with the final residual when it was
     * asked for) to use. Adds the forward, encode and use times to nanos[0..2].
     */
    private static void run(Transformer model, Dictionary dict, String hook, String finalResid, List<String> hooks,
                            TokenWindows.Window[] ws, long[] nanos, Consumer<Batch> use) {
        int B = ws.length, S = ws[0].tokens().length, F = dict.dFeatures(), dIn = dict.dIn(), D = model.config().dModel();
        int[][] ids = TokenWindows.tokens(List.of(ws));
        long t0 = System.nanoTime();
        ActivationCache cache = model.runWithCache(ids, hooks);
        Tensor h = cache.get(hook);
        if (h.numel() != (long) B * S * dIn)
            throw new ConfigException("hook " + hook + " gives " + h.numel() / ((long) B * S) + " values per position but the dictionary reads " + dIn
                    + "; use a dictionary trained on this hook");
        float[] resid = hooks.contains(finalResid) ? cache.get(finalResid).data() : null;
        long t1 = System.nanoTime();
        nanos[0] += t1 - t0;
        int sub = (int) Math.max(1, Math.min(MAX_BATCH, BATCH_CODES / ((long) S * F)));
        for (int w0 = 0; w0 < B; w0 += sub) {     // encode and scan in slices that bound the codes' memory
            int w1 = Math.min(B, w0 + sub), r0 = w0 * S, r1 = w1 * S;
            long t2 = System.nanoTime();
            float[] x = B == w1 - w0 ? h.data() : Arrays.copyOfRange(h.data(), r0 * dIn, r1 * dIn);
            float[] codes = dict.encode(new Tensor(x, r1 - r0, dIn)).data();
            long t3 = System.nanoTime();
            use.accept(new Batch(Arrays.copyOfRange(ws, w0, w1), Arrays.copyOfRange(ids, w0, w1), S, codes, F, x, dIn,
                    resid == null ? null : Arrays.copyOfRange(resid, r0 * D, r1 * D), D));
            nanos[1] += t3 - t2;
            nanos[2] += System.nanoTime() - t3;
        }
    }
}
