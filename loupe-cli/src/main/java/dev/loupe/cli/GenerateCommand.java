package dev.loupe.cli;

import dev.loupe.model.ForwardExport;
import dev.loupe.model.Generator;
import dev.loupe.model.Sampling;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt (greedy, or temperature / top-p sampling with a seed), with a KV cache.",
        footerHeading = "%nExamples:%n",
        footer = {"  loupe generate --model stories260K.bin --prompt-tokens 1 --max-new 64 --greedy",
                  "  loupe generate --model stories260K.bin --prompt \"Once upon a time\" --max-new 40",
                  "  loupe generate --model models/gpt2 --prompt-tokens 464,2068 --max-new 20 \\",
                  "      --temperature 0.8 --top-p 0.9 --seed 1"})
final class GenerateCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "HF model directory or llama2.c .bin file.")
    Path model;
    @Option(names = "--tokenizer", description = "Tokenizer file (default: next to the model).")
    Path tokenizer;

    static final class Prompt {
        @Option(names = "--prompt", description = "Prompt text, encoded with the model's tokenizer (or --tokenizer).") String text;
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
        Transformer m = ModelLoader.load(model);
        Tokenizer tok = prompt.text != null || tokenizer != null
                ? Tokenizers.load(tokenizer != null ? tokenizer : ModelLoader.tokenizerNextTo(model)) : null;
        int[] ids = prompt.text != null ? tok.encode(prompt.text, true) : ForwardExport.parseIds(prompt.ids, "--prompt-tokens");
        if (ids.length == 0) throw new ConfigException("the prompt encodes to no tokens; give a non-empty --prompt or --prompt-tokens");
        Sampling s = temperature == null ? Sampling.greedyDecoding() : Sampling.sample(temperature, topP, seed);
        int stop = tok != null ? tok.eosId().orElse(-1) : -1;
        int[] out = Generator.generate(m, ids, maxNew, s, stop, true);
        var o = spec.commandLine().getOut();
        // text mode prints prompt + continuation, decoded together so word boundaries are right
        o.println(tok != null ? tok.decode(java.util.stream.IntStream.concat(Arrays.stream(ids), Arrays.stream(out)).toArray(), true)
                : Arrays.stream(out).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        o.flush();
        return 0;
    }
}
