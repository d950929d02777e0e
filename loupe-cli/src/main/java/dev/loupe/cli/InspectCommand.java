package dev.loupe.cli;

import dev.loupe.io.Inspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code loupe inspect PATH}: summary of a checkpoint's headers and config; see {@link Inspector}. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Summarise a checkpoint without loading it: a .safetensors file, a sharded "
                + "model.safetensors.index.json, an HF model directory, or a llama2.c .bin.",
        footerHeading = "%nExamples:%n",
        footer = {"  loupe inspect models/gpt2/", "  loupe inspect model.safetensors --all",
                "  loupe inspect stories260K.bin"})
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "File or model directory to inspect.")
    Path path;

    @Option(names = "--all", description = "List every tensor (default: the first " + Inspector.DEFAULT_ROWS + ").")
    boolean all;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        var out = spec.commandLine().getOut();
        out.print(Inspector.inspect(path, all));
        out.flush();
        return 0;
    }
}
