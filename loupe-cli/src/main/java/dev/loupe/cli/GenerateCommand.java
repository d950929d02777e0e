package dev.loupe.cli;

import dev.loupe.model.ForwardExport;
import dev.loupe.model.Generator;
import dev.loupe.model.Sampling;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate tokens from a prompt (greedy, or temperature / top-p sampling with a seed), with a KV cache.",
        footerHeading = "%nExamples:%n",
        footer = {"  loupe generate --model stories260K.bin --prompt-tokens 1 --max-new 64 --greedy",
                  "  loupe generate --model models/gpt2 --prompt-tokens 464,2068 --max-new 20 \\",
                  "      --temperature 0.8 --top-p 0.9 --seed 1"})
final class GenerateCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "HF model directory or llama2.c .bin file.")
    Path model;
    @Option(names = "--tokenizer", description = "Tokenizer file (default: next to the model).")
    Path tokenizer;

    static final class Prompt {
        @Option(names = "--prompt", description = "Prompt text (needs a tokenizer).") String text;
        @Option(names = "--prompt-tokens", description = "Prompt as comma-separated token ids.") String ids;
    }
    @ArgGroup(exclusive = true, multiplicity = "1") Prompt prompt;

    @Option(names = "--max-new", required = true, description = "Number of tokens to generate.") int maxNew;
    @Option(names = "--greedy", description = "Argmax decoding (the default when no --temperature is given).") boolean greedy;
    @Option(names = "--temperature", description = "Sampling temperature > 0.") Double temperature;
    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling mass in (0, 1] (default ${DEFAULT-VALUE}).") double topP;
    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default ${DEFAULT-VALUE}).") long seed;

    @Override public Integer call() {
        if (greedy && temperature != null) throw new ConfigException("--greedy and --temperature exclude each other; pick one");
        if (prompt.text != null || tokenizer != null)
            // INTEGRATION POINT (lead): encode with dev.loupe.tokenizer.Tokenizers.load(tokenizer or the file next to
            // the model: tokenizer.json, or tokenizer.bin / tok*.bin for llama2.c) and decode the output below.
            throw new ConfigException("--prompt and --tokenizer need the tokenizer library, which this build does not have yet; use --prompt-tokens");
        int[] ids = ForwardExport.parseIds(prompt.ids, "--prompt-tokens");
        Sampling s = temperature == null ? Sampling.greedyDecoding() : Sampling.sample(temperature, topP, seed);
        int[] out = Generator.generate(ModelLoader.load(model), ids, maxNew, s, -1, true);
        var o = spec.commandLine().getOut();
        o.println(Arrays.stream(out).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        o.flush();
        return 0;
    }
}
