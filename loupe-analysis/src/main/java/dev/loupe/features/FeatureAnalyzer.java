// Streaming feature analysis of any Dictionary (SAE, neuron basis, PCA, ICA, random) at a hook of
// a model, over an iterator of token windows, in one pass with memory independent of corpus
// length (Cunningham et al. 2023 §4-5; Anthropic's / Neuronpedia's feature pages). Per batch of
// 32 windows: one forward to the hook (runWithCache; every ABLATION_STRIDE-th batch on to the final
// residual when the ablation effect needs it), then, in slices that bound the codes' memory, one
// encode (GEMM) and per-feature work on firing entries only, in parallel over fixed feature
// blocks (FeatureBlock). At the end PageWriter
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

public final class FeatureAnalyzer {
    /** Features per block: fixed (not per thread count) so that sampling does not depend on --threads. */
    private static final int BLOCKS = 16;
    /** Codes per encode (rows x features): bounds the codes' memory; a forward batch is encoded in slices of this size. */
    private static final long BATCH_CODES = 1L << 23;
    /** Windows per forward batch: enough rows for efficient GEMMs, whatever the dictionary's width. */
    private static final int MAX_BATCH = 32;
    private static final long PROGRESS_NANOS = 10_000_000_000L;
    /**
     * When the hook is before the last block, the final residual the ablation effect needs costs
     * the forward through the later blocks: only every ABLATION_STRIDE-th batch pays it and
     * supplies the ablation samples (a uniform subsample of the corpus's firing tokens).
     */
    static final int ABLATION_STRIDE = 8;

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
        String finalResid = "blocks." + (model.config().nLayers() - 1) + ".hook_resid_post";
        List<String> withResid = new ArrayList<>(new LinkedHashSet<>(List.of(hook, finalResid)));
        int stride = hook.startsWith("blocks." + (model.config().nLayers() - 1) + ".") ? 1 : ABLATION_STRIDE;

        int per = (F + BLOCKS - 1) / BLOCKS;
        List<FeatureBlock> list = new ArrayList<>();
        for (int f0 = 0; f0 < F; f0 += per) list.add(new FeatureBlock(f0, Math.min(per, F - f0), opts, V, dIn, D, ablation));
        FeatureBlock[] blocks = list.toArray(FeatureBlock[]::new);
        RandomWindows random = new RandomWindows(opts.randomExamples(), opts.exampleWindow(), opts.seed());
        long[] tokenFreq = new long[V];
        long tokens = 0, forward = 0, encode = 0, stats = 0, lastReport = System.nanoTime(), start = lastReport;
        int nWindows = 0, nBatches = 0;

        TokenWindows.Window first = windows.next();
        int S = first.tokens().length, sub = (int) Math.max(1, Math.min(MAX_BATCH, BATCH_CODES / ((long) S * F)));
        List<TokenWindows.Window> pending = new ArrayList<>(List.of(first));
        while (true) {
            while (pending.size() < MAX_BATCH && windows.hasNext()) pending.add(windows.next());
            if (pending.isEmpty()) break;
            TokenWindows.Window[] ws = pending.toArray(TokenWindows.Window[]::new);
            pending.clear();
            int B = ws.length;
            int[][] ids = new int[B][];
            for (int w = 0; w < B; w++) {
                ids[w] = ws[w].tokens();
                if (ids[w].length != S)
                    throw new ConfigException("token window " + (nWindows + w) + " has " + ids[w].length + " tokens but the first has " + S + "; windows must have one length");
                for (int t : ids[w]) {
                    if (t < 0 || t >= V) throw new ConfigException("token id " + t + " in window " + (nWindows + w) + " is outside the model's vocabulary of " + V + "; use the model's own tokenizer");
                    tokenFreq[t]++;
                }
            }
            boolean residBatch = ablation && nBatches++ % stride == 0;
            long t0 = System.nanoTime();
            ActivationCache cache = model.runWithCache(ids, residBatch ? withResid : List.of(hook));
            Tensor h = cache.get(hook);
            if (h.numel() != (long) B * S * dIn)
                throw new ConfigException("hook " + hook + " gives " + h.numel() / ((long) B * S) + " values per position but the dictionary reads " + dIn
                        + "; use a dictionary trained on this hook");
            long t1 = System.nanoTime();
            forward += t1 - t0;
            float[] resid = residBatch ? cache.get(finalResid).data() : null;
            for (int w0 = 0; w0 < B; w0 += sub) {     // encode and scan in slices that bound the codes' memory
                int w1 = Math.min(B, w0 + sub), r0 = w0 * S, r1 = w1 * S;
                long t2 = System.nanoTime();
                float[] x = B == w1 - w0 ? h.data() : Arrays.copyOfRange(h.data(), r0 * dIn, r1 * dIn);
                float[] codes = dict.encode(new Tensor(x, r1 - r0, dIn)).data();
                long t3 = System.nanoTime();
                Batch b = new Batch(Arrays.copyOfRange(ws, w0, w1), Arrays.copyOfRange(ids, w0, w1), S, codes, F, x, dIn,
                        resid == null ? null : Arrays.copyOfRange(resid, r0 * D, r1 * D), D);
                random.offer(b);
                Parallel.forRange(blocks.length, (lo, hi) -> { for (int i = lo; i < hi; i++) blocks[i].scan(b); });
                encode += t3 - t2;
                stats += System.nanoTime() - t3;
            }
            tokens += (long) B * S;
            nWindows += B;
            long now = System.nanoTime();
            if (progress != null && now - lastReport > PROGRESS_NANOS) {
                progress.printf("analyze: %,d windows, %,d tokens, %.0f tokens/s%n", nWindows, tokens, tokens / ((now - start) / 1e9));
                lastReport = now;
            }
        }

        long t4 = System.nanoTime();
        PageWriter.Result r = PageWriter.write(model, tok, dict, path, ablation, blocks, random, tokenFreq, tokens, opts, out, progress);
        long t5 = System.nanoTime();
        long fires = 0;
        for (FeatureBlock blk : blocks) for (long c : blk.fire) fires += c;
        String mode = !ablation ? "off" : path.exactAblation ? "exact" : "direct-path";
        return new AnalysisSummary(tokens, nWindows, F, r.dead(), (double) fires / tokens, forward / 1e9, encode / 1e9, stats / 1e9,
                (t5 - t4) / 1e9, mode, r.pages());
    }
}
