package dev.loupe.cli;

import picocli.CommandLine.Command;

/** {@code loupe bench}: parent of the benchmark verbs; alone it prints its usage. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure Loupe's performance on this machine.",
        subcommands = {BenchKernelsCommand.class, BenchForwardCommand.class, BenchInterpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe bench kernels", "  loupe bench kernels --threads 1 --json", "  loupe bench forward --model models/loupe-1l --batch 8 --seq 128"})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
