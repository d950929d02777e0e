package dev.loupe.corpus;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A source of {@link Document}s, read lazily: only the current document is held in memory, so memory
 * stays flat whatever the corpus size (a directory corpus also keeps its sorted list of file names).
 * Order is deterministic. Open one with {@link Corpora#open}.
 *
 * <p>Bytes that are not valid UTF-8 are replaced by U+FFFD and counted in {@link #replacedSequences()},
 * never fatal: real corpora contain stray Latin-1 files.
 */
public abstract sealed class Corpus permits DirectoryCorpus, ZipCorpus, JsonlCorpus {
    protected final Path path;
    protected final CorpusOptions options;
    private final AtomicLong replaced = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    Corpus(Path path, CorpusOptions options) {
        this.path = path;
        this.options = options;
    }

    public Path path() { return path; }
    public CorpusOptions options() { return options; }

    /** "directory", "zip" or "jsonl". */
    public abstract String kind();

    /**
     * A fresh lazy stream from the first document. It holds files open: close it (try-with-resources).
     * Read errors surface as {@link dev.loupe.util.FormatException} naming the file (and line).
     */
    public abstract Stream<Document> documents();

    /** Malformed UTF-8 sequences replaced so far, over all streams of this corpus. */
    public long replacedSequences() { return replaced.get(); }

    /** Documents skipped so far for exceeding {@link CorpusOptions#maxDocumentBytes()}. */
    public long skippedDocuments() { return skipped.get(); }

    String decode(byte[] b, int len) { return Utf8.decode(b, len, replaced); }

    void skip() { skipped.incrementAndGet(); }

    /** Lazy iterator: {@link #read()} is called only when the consumer asks for the next document. */
    abstract static class Reader implements Iterator<Document> {
        private Document next;
        private boolean primed;

        /** The next document, or null at the end. */
        abstract Document read();

        @Override public boolean hasNext() {
            if (!primed) { next = read(); primed = true; }
            return next != null;
        }

        @Override public Document next() {
            if (!hasNext()) throw new NoSuchElementException();
            primed = false;
            return next;
        }
    }

    static Stream<Document> stream(Iterator<Document> it, Runnable onClose) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(onClose);
    }
}
