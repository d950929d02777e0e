package dev.loupe.corpus;

import dev.loupe.util.FormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Entries of a .zip whose names pass the extension filter, in sorted name order (the id). Entries are
 * inflated one at a time and at most {@code maxDocumentBytes + 1} bytes are read from each, so a zip
 * bomb costs one bounded buffer.
 */
final class ZipCorpus extends Corpus {
    ZipCorpus(Path zip, CorpusOptions options) { super(zip, options); }

    @Override public String kind() { return "zip"; }

    @Override public Stream<Document> documents() {
        ZipFile zf;
        List<String> names;
        try {
            zf = new ZipFile(path.toFile());
            names = Collections.list(zf.entries()).stream()
                    .filter(e -> !e.isDirectory()).map(ZipEntry::getName).filter(options::accepts).sorted().toList();
        } catch (IOException e) {
            throw new FormatException(path + ": cannot open zip corpus (" + e.getMessage() + ")", e);
        }
        Iterator<Document> it = new Reader() {
            int i = 0;

            @Override Document read() {
                while (i < names.size()) {
                    String name = names.get(i++);
                    ZipEntry e = zf.getEntry(name);
                    if (e.getSize() > options.maxDocumentBytes()) { skip(); continue; }
                    try (InputStream in = zf.getInputStream(e)) {
                        byte[] b = in.readNBytes((int) options.maxDocumentBytes() + 1);
                        if (b.length > options.maxDocumentBytes()) { skip(); continue; }
                        return new Document(name, decode(b, b.length));
                    } catch (IOException ex) {
                        throw new FormatException(path + ": cannot read zip entry '" + name + "' (" + ex.getMessage() + ")", ex);
                    }
                }
                return null;
            }
        };
        return stream(it, () -> {
            try { zf.close(); } catch (IOException ignored) { } // read-only: nothing to lose
        });
    }
}
