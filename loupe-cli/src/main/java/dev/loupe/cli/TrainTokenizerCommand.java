package dev.loupe.cli;

import dev.loupe.corpus.TextCorpus;
import dev.loupe.tokenizer.train.TokenizerTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train-tokenizer", mixinStandardHelpOptions = true,
        description = "Learn a byte-level BPE tokenizer (GPT-2 scheme) and write an HF tokenizer.json.",
        footerHeading = "%nExamples:%n",
        footer = {"  loupe train-tokenizer --vocab-size 4096 --out models/tok-jdk",
                "  loupe train-tokenizer --corpus docs/ --vocab-size 8192 --max-mb 100 --out tok"})
final class TrainTokenizerCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--corpus", paramLabel = "PATH", description = "Text directory, .zip of text files or .jsonl (default: this JDK's lib/src.zip).")
    Path corpus;
    @Option(names = "--vocab-size", required = true, paramLabel = "N", description = "Vocabulary size including the 256 bytes and <|endoftext|>.")
    int vocabSize;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for tokenizer.json.")
    Path out;
    @Option(names = "--max-mb", defaultValue = "40", paramLabel = "MB", description = "Learn from a uniform sample of at most this much training text (default: ${DEFAULT-VALUE}).")
    double maxMb;
    @Option(names = "--held-out", defaultValue = "0.02", paramLabel = "FRACTION", description = "Fraction of files held out (same split as train-lm; default: ${DEFAULT-VALUE}).")
    double heldOut;

    @Override public Integer call() {
        var log = spec.commandLine().getOut();
        TokenizerTraining.run(corpus != null ? corpus : TextCorpus.defaultCorpus(), vocabSize, (long) (maxMb * 1e6), heldOut, out, log);
        return 0;
    }
}
