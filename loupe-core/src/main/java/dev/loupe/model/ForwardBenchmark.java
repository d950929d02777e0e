package dev.loupe.model;

import dev.loupe.tensor.Gemm;
import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.TimedGemm;
import dev.loupe.util.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prefill throughput of the forward pass: tokens/s and achieved GFLOP/s for (model, batch, seq)
 * with no hooks, full logits of every position written into one reused tensor, after warm-up, as the median of timed runs, each followed by a timing of the
 * ceiling GEMM of about the same length (see {@link #ceilingGemm}). Taking them in turns exposes
 * both to the same load on a shared machine; the reported fraction is the median of the per-run
 * ratios. A library method for the {@code bench forward} CLI; not a unit test (timings are never
 * asserted).
 */
public final class ForwardBenchmark {
    private ForwardBenchmark() {}

    /**
     * Medians over the runs: milliseconds per forward, tokens/s, achieved GFLOP/s ({@link #flops}),
     * the ceiling's GFLOP/s and the fraction of the ceiling reached (median of per-run ratios).
     */
    public record Result(String model, int batch, int seq, int runs, double medianMs, double tokensPerSecond,
                         double gflops, double ceilingGflops, double fractionOfCeiling, String backend, int threads, boolean prefill) {
        @Override public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "%s batch %d seq %d%s: %.1f ms/forward, %.0f tokens/s, %.1f GFLOP/s (%s, %d threads, median of %d)",
                    model, batch, seq, prefill ? " PREFILL (KV cache + last position's logits only)" : "",
                    medianMs, tokensPerSecond, gflops, backend, threads, runs);
        }
    }

    /**
     * The ceiling a forward pass is compared against: OpenBLAS (or, without OpenBLAS, the active
     * backend) on the model's largest GEMM, {@code [batch·seq, d_model] · [d_model, d_mlp]}; returns
     * one call of it on fixed random matrices.
     */
    static Runnable ceilingGemm(TransformerConfig c, int batch, int seq) {
        Gemm g = Kernels.backend(Kernels.available().contains(Kernels.OPENBLAS) ? Kernels.OPENBLAS : Kernels.gemm().name());
        int m = batch * seq, k = c.dModel(), n = c.dMlp();
        SplittableRandom r = new SplittableRandom(1);
        float[] a = new float[m * k], b = new float[k * n], out = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        return () -> g.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, out, 0, n);
    }

    /** The full forward: logits of every position ({@link Transformer#forwardInto}). */
    public static Result run(Transformer model, int batch, int seq, int warmup, int runs, long seed) {
        return run(model, batch, seq, warmup, runs, seed, false);
    }

    /**
     * With {@code prefill}, times {@link Transformer#prefill} into an emptied KV cache instead: the
     * unembedding runs on the last position of each sequence only, and {@link #prefillFlops} counts
     * just that. A different workload from the full forward; report it under its own name.
     */
    public static Result run(Transformer model, int batch, int seq, int warmup, int runs, long seed, boolean prefill) {
        TransformerConfig c = model.config();
        if (batch < 1 || seq < 1 || seq > c.nCtx()) throw new ConfigException("batch must be >= 1 and seq in [1, " + c.nCtx() + "], got " + batch + " × " + seq);
        if (runs < 1 || warmup < 0) throw new ConfigException("runs must be >= 1 and warmup >= 0");
        SplittableRandom r = new SplittableRandom(seed);
        int[][] tokens = new int[batch][seq];
        for (int[] row : tokens) for (int i = 0; i < seq; i++) row[i] = r.nextInt(c.vocab());
        Runnable ceiling = ceilingGemm(c, batch, seq);
        double ceilingFlops = 2.0 * batch * seq * c.dModel() * c.dMlp();
        double forwardFlops = prefill ? prefillFlops(c, batch, seq) : flops(c, batch, seq);
        // Logits go into one reused tensor, as an engine serving repeated batches would keep them
        // (Transformer.forwardInto); a fresh 4·batch·seq·vocab-byte array per call costs page faults.
        Tensor logits = prefill ? null : Tensor.zeros(batch, seq, c.vocab());
        KvCache cache = prefill ? new KvCache(c, batch, seq) : null;
        Runnable forward = prefill ? () -> { cache.clear(); model.prefill(tokens, cache); } : () -> model.forwardInto(tokens, logits);
        long ceilingNs = 0, forwardNs = 0;
        for (int i = 0; i < Math.max(1, warmup); i++) {
            forwardNs = time(forward, 1);
            ceilingNs = time(ceiling, 1);
        }
        // Enough ceiling calls to last about as long as one forward, so both see the same load.
        int reps = (int) Math.max(1, Math.round((double) forwardNs / Math.max(1, ceilingNs)));
        double[] ms = new double[runs], ceil = new double[runs], frac = new double[runs];
        for (int i = 0; i < runs; i++) {
            ms[i] = time(forward, 1) / 1e6;
            ceil[i] = ceilingFlops * reps / time(ceiling, reps);    // FLOP per ns = GFLOP/s
            frac[i] = forwardFlops / (ms[i] * 1e6) / ceil[i];
        }
        double med = median(ms);
        double toks = (double) batch * seq;
        return new Result(c.name(), batch, seq, runs, med, toks / (med / 1e3), forwardFlops / (med / 1e3) / 1e9,
                median(ceil), median(frac), Kernels.gemm().name(), Kernels.threads(), prefill);
    }

    /**
     * Where a forward pass's time goes: milliseconds per forward (median run) by part, from the GEMM
     * calls ({@link TimedGemm}, keyed by shape): {@code projections} (W_Q, W_K, W_V, W_O), {@code mlp}
     * (W_in, W_gate, W_out), {@code unembed}, {@code attention} (the per-head score and mix GEMMs, run
     * concurrently on the pool: their summed thread time divided by the thread count), and
     * {@code other} = the rest of the wall time (norms, softmax, activations, residual adds, embedding,
     * hand-offs), plus {@code total}. Runs without hooks, logits into a reused tensor, like {@link #run}.
     */
    public static Map<String, Double> profile(Transformer model, int batch, int seq, int runs) {
        TransformerConfig c = model.config();
        int[][] tokens = new int[batch][seq];
        SplittableRandom r = new SplittableRandom(7);
        for (int[] row : tokens) for (int i = 0; i < seq; i++) row[i] = r.nextInt(c.vocab());
        Tensor logits = Tensor.zeros(batch, seq, c.vocab());
        model.forwardInto(tokens, logits);                                     // warm-up
        List<Map<String, Double>> all = new ArrayList<>();
        try (TimedGemm timed = TimedGemm.install()) {
            for (int i = 0; i < runs; i++) {
                timed.reset();
                double total = time(() -> model.forwardInto(tokens, logits), 1) / 1e6;
                Map<String, Double> parts = new LinkedHashMap<>();
                for (String k : List.of("projections", "mlp", "unembed", "attention")) parts.put(k, 0.0);
                timed.byShape().forEach((shape, t) -> parts.merge(part(c, batch * seq, shape), t.nanos() / 1e6, Double::sum));
                parts.put("attention", parts.get("attention") / Kernels.threads());
                double gemm = parts.values().stream().mapToDouble(Double::doubleValue).sum();
                parts.put("other", total - gemm);
                parts.put("total", total);
                all.add(parts);
            }
        }
        all.sort(java.util.Comparator.comparingDouble(m -> m.get("total")));
        return all.get(all.size() / 2);
    }

    /** The part of the forward a GEMM call shape ("A·Bᵀ m×n×k") belongs to. */
    private static String part(TransformerConfig c, int rows, String shape) {
        String[] mnk = shape.substring(shape.indexOf(' ') + 1).split("×");
        int m = Integer.parseInt(mnk[0]), n = Integer.parseInt(mnk[1]), k = Integer.parseInt(mnk[2]);
        if (m != rows) return "attention";
        if (n == c.vocab()) return "unembed";
        if (n == c.dMlp() || k == c.dMlp()) return "mlp";
        return "projections";
    }

    private static long time(Runnable call, int reps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) call.run();
        return System.nanoTime() - t0;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * A randomly initialised GPT-2-shaped model ({@code layers} blocks, d_model {@code d}, d_mlp 4d,
     * heads of 64, vocab 50257, context 1024): a stand-in of a real checkpoint's shape when only the
     * speed matters, e.g. GPT-2 small is {@code randomGpt2(12, 768)}.
     */
    public static Transformer randomGpt2(int layers, int d) {
        if (layers < 1 || d < 64 || d % 64 != 0) throw new ConfigException("random model needs layers >= 1 and d_model a multiple of 64, got " + layers + "x" + d);
        TransformerConfig cfg = TransformerConfig.builder().name("random-gpt2-" + layers + "x" + d)
                .nLayers(layers).dModel(d).nHeads(d / 64).dMlp(4 * d).vocab(50257).nCtx(1024)
                .normalization(TransformerConfig.Normalization.LAYER_NORM).eps(1e-5)
                .positional(TransformerConfig.Positional.LEARNED).act(TransformerConfig.Activation.GELU_NEW)
                .attnScale(1.0 / 8).tiedEmbeddings(true).qkvBias(true).attnOutBias(true).mlpBias(true)
                .build();
        return RandomInit.model(cfg, 1);
    }

    /**
     * Matmul FLOPs of one forward pass, 2 per multiply-add: the projections, MLP and unembedding in
     * full, and for causal attention only the visible (query, key) pairs, {@code seq·(seq+1)/2} per
     * head, each costing a d_head dot product for the score and a d_head update for the mix. That
     * is the work attention needs whatever the implementation: the hook-free pass skips most of the
     * masked triangle, a pass with score hooks computes it all (the extra is not counted).
     */
    public static double flops(TransformerConfig c, int batch, int seq) {
        double rows = (double) batch * seq, D = c.dModel();
        double visiblePairs = (double) batch * c.nHeads() * seq * (seq + 1) / 2;
        double perLayer = 2 * rows * D * (c.qDim() + 2 * c.kvDim()) + 2 * rows * c.qDim() * D
                + 2 * rows * D * c.dMlp() * (c.gatedMlp() ? 3 : 2)
                + 2 * 2 * visiblePairs * c.dHead();
        return c.nLayers() * perLayer + 2 * rows * D * c.vocab();
    }

    /** {@link #flops} of {@link Transformer#prefill}: the unembedding of one position per sequence, not all. */
    public static double prefillFlops(TransformerConfig c, int batch, int seq) {
        return flops(c, batch, seq) - 2.0 * batch * (seq - 1) * c.dModel() * c.vocab();
    }
}
