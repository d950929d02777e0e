package dev.loupe.model;

import dev.loupe.tensor.Gemm;
import dev.loupe.tensor.GemmBenchmark;
import dev.loupe.tensor.Kernels;
import dev.loupe.util.ConfigException;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Prefill throughput of the forward pass: tokens/s for (model, batch, seq) with no hooks, after
 * warm-up, as the median of timed runs. A library method for the {@code bench forward} CLI; not a
 * unit test (timings are never asserted).
 */
public final class ForwardBenchmark {
    private ForwardBenchmark() {}

    public record Result(String model, int batch, int seq, int runs, double medianMs, double tokensPerSecond,
                         double gflops, String backend, int threads) {
        @Override public String toString() {
            return String.format("%s batch %d seq %d: %.1f ms/forward, %.0f tokens/s, %.1f GFLOP/s (%s, %d threads, median of %d)",
                    model, batch, seq, medianMs, tokensPerSecond, gflops, backend, threads, runs);
        }
    }

    /**
     * The ceiling a forward pass is compared against: OpenBLAS GFLOP/s (or, without OpenBLAS, the
     * active backend's) on the model's largest GEMM, {@code [batch·seq, d_model] · [d_model, d_mlp]},
     * measured now, in the same process and thread setting as the forward runs.
     */
    public static double ceilingGflops(TransformerConfig c, int batch, int seq) {
        var names = Kernels.available();
        Gemm g = Kernels.backend(names.contains(Kernels.OPENBLAS) ? Kernels.OPENBLAS : Kernels.gemm().name());
        var shape = new GemmBenchmark.Shape(batch * seq, c.dModel(), c.dMlp());
        SplittableRandom r = new SplittableRandom(1);
        float[] a = new float[shape.m() * shape.k()], b = new float[shape.k() * shape.n()], out = new float[shape.m() * shape.n()];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        return GemmBenchmark.measureInterleaved(List.of(g), GemmBenchmark.Op.AB, shape, a, b, out, 0.2, 5)[0];
    }

    public static Result run(Transformer model, int batch, int seq, int warmup, int runs, long seed) {
        TransformerConfig c = model.config();
        if (batch < 1 || seq < 1 || seq > c.nCtx()) throw new ConfigException("batch must be >= 1 and seq in [1, " + c.nCtx() + "], got " + batch + " × " + seq);
        if (runs < 1 || warmup < 0) throw new ConfigException("runs must be >= 1 and warmup >= 0");
        SplittableRandom r = new SplittableRandom(seed);
        int[][] tokens = new int[batch][seq];
        for (int[] row : tokens) for (int i = 0; i < seq; i++) row[i] = r.nextInt(c.vocab());
        for (int i = 0; i < warmup; i++) model.forward(tokens);
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            model.forward(tokens);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(ms);
        double med = ms[runs / 2];
        double toks = (double) batch * seq;
        return new Result(c.name(), batch, seq, runs, med, toks / (med / 1e3), flops(c, batch, seq) / (med / 1e3) / 1e9,
                Kernels.gemm().name(), Kernels.threads());
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

    /** Matmul FLOPs of one forward pass (2 per multiply-add; causal attention counted in full as computed). */
    public static double flops(TransformerConfig c, int batch, int seq) {
        double rows = (double) batch * seq, D = c.dModel();
        double perLayer = 2 * rows * D * (c.qDim() + 2 * c.kvDim()) + 2 * rows * c.qDim() * D
                + 2 * rows * D * c.dMlp() * (c.gatedMlp() ? 3 : 2)
                + 2 * 2 * (double) batch * c.nHeads() * seq * seq * c.dHead();
        return c.nLayers() * perLayer + 2 * rows * D * c.vocab();
    }
}
