package dev.loupe.cli;

import dev.loupe.probe.ProbeDataset;
import dev.loupe.probe.ProbeDatasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "probe-data", mixinStandardHelpOptions = true,
        description = {"Write a probing dataset (JSONL) for a built-in concept.",
                "Concepts: java-javadoc, java-string, java-identifier, java-import (held-out JDK sources), stories-quote, stories-name (stories sampled from --model), synthetic-monosemantic, synthetic-superposed."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe probe-data --concept java-import --out import.jsonl",
                "  loupe probe-data --concept stories-quote --model stories260K/stories260K.bin --examples 300 --out quote.jsonl",
                "  loupe probe-data --concept synthetic-superposed --examples 400 --out synthetic.jsonl"})
final class ProbeDataCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--concept", required = true, description = "Concept name (see above).") String concept;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "JSONL file to write.") Path out;
    @Option(names = "--corpus", paramLabel = "PATH", description = "java-*: source corpus (default: the JDK's lib/src.zip); its held-out split is used.") Path corpus;
    @Option(names = "--model", paramLabel = "PATH", description = "stories-*: the story model to sample from.") Path model;
    @Option(names = "--examples", defaultValue = "1000", description = "Examples (chunks, stories, synthetic documents) to write (default: ${DEFAULT-VALUE}).") int examples;
    @Option(names = "--chunk-chars", defaultValue = "400", description = "java-*: characters per chunk, cut at a line end (default: ${DEFAULT-VALUE}).") int chunkChars;
    @Option(names = "--per-document", defaultValue = "2", description = "java-*: chunks taken from each source file (default: ${DEFAULT-VALUE}).") int perDocument;
    @Option(names = "--seed", defaultValue = "0", description = "Sampling / synthetic seed (default: ${DEFAULT-VALUE}).") long seed;

    @Override public Integer call() {
        ProbeDataset ds = ProbeDatasets.generate(concept, new ProbeDatasets.Options(corpus, model, examples, chunkChars, perDocument, seed));
        ds.write(out);
        var pw = spec.commandLine().getOut();
        pw.println("wrote " + out + ": " + ds.examples().size() + " examples of " + ds.header().concept() + " (" + ds.header().description() + ")");
        pw.flush();
        return 0;
    }
}
