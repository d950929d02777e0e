package dev.loupe.cli;

import dev.loupe.activations.HarvestBenchmark;
import dev.loupe.model.Transformer;
import dev.loupe.util.ConfigException;
import dev.loupe.util.LoupeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code loupe bench harvest}: harvest tokens/s against the same run's forward passes, and heap flatness. */
@Command(name = "harvest", mixinStandardHelpOptions = true,
        description = {"Time harvesting activations (forward to the hook, filtering, f32 shards) against the forward pass "
                + "stopped at the same block and the full forward, in the same run; and the peak heap at N and 4N tokens."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe bench harvest --model models/loupe-1l --hook blocks.0.mlp.hook_post",
                "  loupe bench harvest --random 12x768 --hook blocks.5.hook_resid_post --tokens 32768 --batch 8"})
final class BenchHarvestCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1") BenchForwardCommand.Source source;
    @Option(names = "--hook", required = true, description = "Hook to harvest.") String hook;
    @Option(names = "--batch", defaultValue = "32", description = "Windows per forward (default ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--seq", defaultValue = "128", description = "Tokens per window (default ${DEFAULT-VALUE}).") int seq;
    @Option(names = "--tokens", defaultValue = "131072", description = "Tokens per measurement (the memory check also runs 4×; default ${DEFAULT-VALUE}).") long tokens;

    @Override public Integer call() {
        Transformer m = BenchForwardCommand.load(source);
        Path scratch;
        try {
            scratch = Files.createTempDirectory("loupe-bench-harvest");
        } catch (IOException e) {
            throw new LoupeException("cannot create a scratch folder for the harvest benchmark: " + e.getMessage());
        }
        var r = HarvestBenchmark.run(m, hook, batch, seq, tokens, scratch);
        try {
            Files.deleteIfExists(scratch);
        } catch (IOException e) {
            throw new ConfigException("cannot remove " + scratch + ": " + e.getMessage());
        }
        spec.commandLine().getOut().println(r);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
