package dev.loupe.cli;

import dev.loupe.model.QuickLook;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code loupe demo}: the main job. For now, a first look at the built-in model (see {@link QuickLook}). */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run Loupe on the built-in model (models/loupe-1l): generate and show per-token neuron activations.",
                "The model was trained by Loupe on the JDK's own sources; --model runs the same on any HF or llama2.c model."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe demo", "  loupe demo --model ../shared/models/stories260K/stories260K.bin --prompt \"Once upon a time\""})
final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", defaultValue = "models/loupe-1l", description = "HF model directory or llama2.c .bin (default ${DEFAULT-VALUE}).")
    Path model;
    @Option(names = "--tokenizer", description = "Tokenizer file (default: next to the model).") Path tokenizer;
    @Option(names = "--prompt", defaultValue = "public static", description = "Prompt (default \"${DEFAULT-VALUE}\").") String prompt;
    @Option(names = "--max-new", defaultValue = "24", description = "Tokens to generate (default ${DEFAULT-VALUE}).") int maxNew;

    @Override public Integer call() {
        if (!Files.exists(model))
            throw new ConfigException(model + " not found; run from the repository root, or pass --model DIR (an HF model directory or llama2.c .bin)");
        var tok = Tokenizers.load(tokenizer != null ? tokenizer : ModelLoader.tokenizerNextTo(model));
        spec.commandLine().getOut().print(QuickLook.report(ModelLoader.load(model), tok, prompt, maxNew));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
