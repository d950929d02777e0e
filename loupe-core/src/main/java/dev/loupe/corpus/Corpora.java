package dev.loupe.corpus;

import dev.loupe.util.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a corpus, choosing the reader from the path: a directory, a {@code .zip}, or {@code .jsonl}/{@code .jsonl.gz}. */
public final class Corpora {
    private Corpora() {}

    public static Corpus open(Path path) { return open(path, CorpusOptions.defaults()); }

    public static Corpus open(Path path, CorpusOptions options) {
        if (Files.isDirectory(path)) return new DirectoryCorpus(path, options);
        if (!Files.isRegularFile(path)) throw new ConfigException(path + ": corpus not found (expected a directory, .zip, .jsonl or .jsonl.gz)");
        String n = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".zip")) return new ZipCorpus(path, options);
        if (n.endsWith(".jsonl") || n.endsWith(".jsonl.gz") || n.endsWith(".ndjson") || n.endsWith(".ndjson.gz"))
            return new JsonlCorpus(path, options);
        throw new ConfigException(path + ": unknown corpus kind; use a directory of text files, a .zip, or a .jsonl / .jsonl.gz file");
    }
}
