package dev.loupe.cli;

import dev.loupe.tensor.GemmBenchmark;
import dev.loupe.tensor.GemmBenchmark.Op;
import dev.loupe.tensor.GemmBenchmark.Shape;
import dev.loupe.tensor.Kernels;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code loupe bench kernels}: GEMM GFLOP/s per backend, relative to OpenBLAS ({@link GemmBenchmark}). */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = {"Time the GEMM backends on transformer-sized shapes (A·B, A·Bᵀ, Aᵀ·B) and report",
                "GFLOP/s and the percentage of OpenBLAS measured in the same run."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe bench kernels", "  loupe bench kernels --threads 2 --backends openblas,java --json",
                "  loupe bench kernels --quick"})
final class BenchKernelsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Option(names = "--threads", split = ",", paramLabel = "N", description = "Thread counts to run (default: 1,2).")
    List<Integer> threads = List.of(1, 2);

    @Option(names = "--backends", split = ",", paramLabel = "NAME",
            description = "Backends: openblas, java, scalar (default: all available but scalar).")
    List<String> backends;

    @Option(names = "--quick", description = "Short runs (noisier): a smoke test of the benchmark, not a measurement.")
    boolean quick;

    @Option(names = "--shapes", split = ",", paramLabel = "MxKxN", hidden = true,
            description = "Shapes instead of the default ones (used by tests).")
    List<String> shapes;

    @Override public Integer call() {
        var out = spec.commandLine().getOut();
        List<Shape> shapeList;
        try {
            shapeList = shapes == null ? GemmBenchmark.DEFAULT_SHAPES : shapes.stream().map(Shape::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--shapes: " + e.getMessage());
        }
        if (threads.stream().anyMatch(t -> t < 1)) throw new ConfigException("--threads: thread counts must be >= 1, got " + threads);
        List<String> names = backends == null ? GemmBenchmark.Options.defaultBackends() : backends;
        for (String b : names) Kernels.backend(b);  // a ConfigException here names the backend and the fix
        var opt = new GemmBenchmark.Options(names, threads, shapeList, List.of(Op.values()), quick ? 0.02 : 0.25, quick ? 1 : 5);
        if (!json) out.println(GemmBenchmark.tableHeader());
        GemmBenchmark.run(opt, r -> {
            out.println(json ? r.toJson() : r.toRow());
            out.flush();
        });
        return 0;
    }
}
