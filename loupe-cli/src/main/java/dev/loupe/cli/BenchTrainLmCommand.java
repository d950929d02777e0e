package dev.loupe.cli;

import dev.loupe.lm.TrainThroughput;
import dev.loupe.tensor.Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code loupe bench train-lm}: LM training throughput against the same run's OpenBLAS ceiling ({@link TrainThroughput}). */
@Command(name = "train-lm", mixinStandardHelpOptions = true,
        description = {"Time LM training steps (forward, backward, AdamW) of the loupe-1l shape on random tokens "
                + "and report tokens/s and GFLOP/s as a fraction of the OpenBLAS GEMM ceiling measured in the same run."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe bench train-lm", "  loupe bench train-lm --layers 2 --runs 7 --json", "  loupe bench train-lm --threads 1"})
final class BenchTrainLmCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--layers", defaultValue = "1", description = "Layers of the loupe-1l-shaped model (default ${DEFAULT-VALUE}).") int layers;
    @Option(names = "--batch", defaultValue = "16", description = "Sequences of 128 tokens per step (default ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--warmup", defaultValue = "20", description = "Untimed steps first, at least (default ${DEFAULT-VALUE}); "
            + "then more until 10 steps in a row ran without JIT compilation (at most 300 in all).") int warmup;
    @Option(names = "--runs", defaultValue = "5", description = "Timed rounds, each after a ceiling measurement; the median is reported (default ${DEFAULT-VALUE}).") int runs;
    @Option(names = "--steps", defaultValue = "5", description = "Steps per timed round (default ${DEFAULT-VALUE}).") int steps;
    @Option(names = "--threads", description = "Worker threads (default: all cores).") Integer threads;
    @Option(names = "--json", description = "Print one JSON object instead of text.") boolean json;

    @Override public Integer call() {
        if (threads != null && threads < 1) throw new dev.loupe.util.ConfigException("--threads must be >= 1, got " + threads);
        if (threads != null) Kernels.setThreads(threads);
        var r = TrainThroughput.run(new TrainThroughput.Options(layers, batch, warmup, runs, steps));
        var out = spec.commandLine().getOut();
        out.println(json ? r.toJson() : r.toText());
        out.flush();
        return 0;
    }
}
