package dev.loupe.cli;

import dev.loupe.interp.InterpBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code loupe bench interp}: built-in auto-interp throughput against perfect scaling of the same run's 1-thread rate. */
@Command(name = "interp", mixinStandardHelpOptions = true,
        description = {"Time the built-in auto-interp pipeline (explain + score) on synthetic features",
                "of realistic size (40 top + 40 random 64-token excerpts each); the target is 4096 features in 60 s on 2 cores."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe bench interp", "  taskset -c 0,1 loupe bench interp --features 4096 --threads 2"})
final class BenchInterpCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--features", defaultValue = "4096", description = "Synthetic features (default ${DEFAULT-VALUE}).") int features;
    @Option(names = "--threads", defaultValue = "2", description = "Worker threads (default ${DEFAULT-VALUE}).") int threads;

    @Override public Integer call() {
        if (features < 1 || threads < 1) throw new dev.loupe.util.ConfigException("--features and --threads must be >= 1");
        var out = spec.commandLine().getOut();
        out.println(InterpBenchmark.run(features, threads, 1));
        out.flush();
        return 0;
    }
}
