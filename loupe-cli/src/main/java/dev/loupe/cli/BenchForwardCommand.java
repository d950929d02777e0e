package dev.loupe.cli;

import dev.loupe.model.ForwardBenchmark;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tensor.Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe bench forward}: batched prefill throughput against the same run's GEMM ceiling. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = {"Time a batched forward pass (no hooks, logits at every position; --prefill: KV-cache prefill) and report tokens/s and achieved GFLOP/s "
                + "as a fraction of the OpenBLAS GEMM ceiling measured in the same run."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe bench forward --model models/loupe-1l --batch 8 --seq 128",
                "  loupe bench forward --random 12x768 --batch 4 --seq 256 --json",
                "  loupe bench forward --random 4x768 --batch 4 --seq 256 --profile",
                "  loupe bench forward --random 4x768 --batch 4 --seq 256 --prefill"})
final class BenchForwardCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    static final class Source {
        @Option(names = "--model", description = "HF model directory or llama2.c .bin file.") Path model;
        @Option(names = "--random", paramLabel = "LxD", description = "A random GPT-2-shaped model with L layers and d_model D (e.g. 12x768).") String random;
    }
    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1") Source source;
    @Option(names = "--batch", defaultValue = "8", description = "Sequences per forward (default ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence (default ${DEFAULT-VALUE}).") int seq;
    @Option(names = "--runs", defaultValue = "7", description = "Timed runs; the median is reported (default ${DEFAULT-VALUE}).") int runs;
    @Option(names = "--threads", description = "Worker threads (default: all cores).") Integer threads;
    @Option(names = "--json", description = "Print one JSON object instead of text.") boolean json;
    @Option(names = "--prefill", description = "Time prefill instead (KV cache + the last position's logits only), FLOPs counted as done.") boolean prefill;
    @Option(names = "--profile", description = "Also print ms per full forward by part (GEMMs by role, the rest as other).") boolean profile;

    private static Transformer random(String spec) {
        String[] p = spec.split("x");
        try {
            if (p.length == 2) return ForwardBenchmark.randomGpt2(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
        } catch (NumberFormatException ignored) { }
        throw new dev.loupe.util.ConfigException("--random wants LAYERSxD_MODEL such as 12x768, got '" + spec + "'");
    }

    static Transformer load(Source source) { return source.model != null ? ModelLoader.load(source.model) : random(source.random); }

    @Override public Integer call() {
        Transformer m = load(source);
        if (threads != null && threads < 1) throw new dev.loupe.util.ConfigException("--threads must be >= 1, got " + threads);
        int savedThreads = Kernels.threads();
        ForwardBenchmark.Result r;
        java.util.Map<String, Double> parts = null;
        try {
            if (threads != null) Kernels.setThreads(threads);
            r = ForwardBenchmark.run(m, batch, seq, 3, runs, 7, prefill);
            if (profile) parts = ForwardBenchmark.profile(m, batch, seq, runs);
        } finally {
            Kernels.setThreads(savedThreads);
        }
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(String.format(Locale.ROOT, "{\"model\":\"%s\",\"mode\":\"%s\",\"batch\":%d,\"seq\":%d,\"backend\":\"%s\",\"threads\":%d,"
                            + "\"ms_per_forward\":%.3f,\"tokens_per_s\":%.1f,\"gflops\":%.2f,\"ceiling_gflops\":%.2f,\"fraction_of_ceiling\":%.4f}",
                    m.config().name(), prefill ? "prefill" : "forward", batch, seq, r.backend(), r.threads(), r.medianMs(), r.tokensPerSecond(), r.gflops(), r.ceilingGflops(), r.fractionOfCeiling()));
        } else {
            out.println(r);
            out.println(String.format(Locale.ROOT, "ceiling: %.1f GFLOP/s (GEMM [%d×%d]·[%d×%d], timed after each forward) → forward at %.0f%% of ceiling (median of per-run ratios)",
                    r.ceilingGflops(), batch * seq, m.config().dModel(), m.config().dModel(), m.config().dMlp(), 100 * r.fractionOfCeiling()));
        }
        if (parts != null) {
            double total = parts.get("total");
            StringBuilder sb = new StringBuilder("profile (ms/forward, median of " + runs + "):");
            parts.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.1f (%.0f%%)", k, v, 100 * v / total)));
            out.println(sb);
        }
        out.flush();
        return 0;
    }
}
