package dev.loupe.cli;

import dev.loupe.tokenizer.TokenizeJsonl;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Tokenize JSON Lines {\"text\": ...}; print {text, ids, ids_with_special, decoded} per line.",
        footerHeading = "%nExamples:%n",
        footer = {"  loupe tokenize --tokenizer ../shared/tokenizers/gpt2 --jsonl texts.jsonl",
                  "  echo '{\"text\": \"Hi\"}' | loupe tokenize --tokenizer tok.json --jsonl -"})
final class TokenizeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--tokenizer", required = true, paramLabel = "PATH",
            description = "tokenizer.json, a directory containing one, or a llama2.c tokenizer.bin / tok*.bin")
    Path tokenizer;

    @Option(names = "--jsonl", required = true, paramLabel = "IN", description = "input JSON Lines file, or - for stdin")
    String input;

    @Override public Integer call() {
        try (BufferedReader in = input.equals("-")
                ? new BufferedReader(new InputStreamReader(unclosable(System.in), StandardCharsets.UTF_8.newDecoder()))
                : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
            TokenizeJsonl.run(Tokenizers.load(tokenizer), in, input.equals("-") ? "stdin" : input, spec.commandLine().getOut());
        } catch (IOException e) {
            throw new ConfigException("--jsonl " + input + ": cannot read (" + e + ")", e);
        }
        return 0;
    }

    /** stdin stays open after the verb: in-process callers (tests, a shell) may still own it. */
    private static InputStream unclosable(InputStream in) {
        return new FilterInputStream(in) { @Override public void close() {} };
    }
}
