package dev.loupe.corpus;

import dev.loupe.util.FormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every file under a directory (recursively) whose extension passes the filter, in sorted order of
 * relative path ('/'-separated, which is also the document id). Hidden files and directories (name
 * starting with '.') are skipped, so a corpus can live in a git checkout.
 */
final class DirectoryCorpus extends Corpus {
    DirectoryCorpus(Path dir, CorpusOptions options) { super(dir, options); }

    @Override public String kind() { return "directory"; }

    /** Sorted relative paths of the files this corpus reads. */
    List<String> files() {
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> path.relativize(p))
                    .filter(rel -> { for (Path part : rel) if (part.toString().startsWith(".")) return false; return true; })
                    .map(rel -> rel.toString().replace('\\', '/'))
                    .filter(options::accepts)
                    .sorted()
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new FormatException(path + ": cannot list corpus directory (" + e.getMessage() + ")", e);
        }
    }

    @Override public Stream<Document> documents() {
        List<String> files = files();
        Iterator<Document> it = new Reader() {
            int i = 0;

            @Override Document read() {
                while (i < files.size()) {
                    String id = files.get(i++);
                    Path f = path.resolve(id);
                    try {
                        if (Files.size(f) > options.maxDocumentBytes()) { skip(); continue; }
                    } catch (IOException e) {
                        throw new FormatException(f + ": cannot read corpus file (" + e.getMessage() + ")", e);
                    }
                    try (InputStream in = Files.newInputStream(f)) {
                        // bounded read: the file may have grown since the size check
                        byte[] b = in.readNBytes((int) options.maxDocumentBytes() + 1);
                        if (b.length > options.maxDocumentBytes()) { skip(); continue; }
                        return new Document(id, decode(b, b.length));
                    } catch (IOException e) {
                        throw new FormatException(f + ": cannot read corpus file (" + e.getMessage() + ")", e);
                    }
                }
                return null;
            }
        };
        return stream(it, () -> { });
    }
}
