package dev.loupe.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.util.FormatException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * JSON Lines (optionally gzip-compressed, by a {@code .gz} suffix): one JSON object per line, the text
 * in {@link CorpusOptions#textField()}. Blank lines are skipped. A line that is not a JSON object, or
 * lacks a string text field, is an error naming the file and line number: a silently dropped line
 * would bias training data. Ids are the {@code idField} value, or {@code file:line}.
 */
final class JsonlCorpus extends Corpus {
    private static final ObjectMapper JSON = new ObjectMapper();

    JsonlCorpus(Path file, CorpusOptions options) { super(file, options); }

    @Override public String kind() { return "jsonl"; }

    @Override public Stream<Document> documents() {
        InputStream in;
        try {
            InputStream raw = Files.newInputStream(path);
            in = path.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16) : raw;
        } catch (IOException e) {
            throw new FormatException(path + ": cannot open JSONL corpus (" + e.getMessage() + "; a .gz file must be gzip)", e);
        }
        String file = path.getFileName().toString();
        Iterator<Document> it = new Reader() {
            long line = 0;
            byte[] buf = new byte[1 << 12];
            final byte[] chunk = new byte[1 << 16];
            int pos = 0, lim = 0;

            @Override Document read() {
                while (true) {
                    int len;
                    try {
                        len = readLine();
                    } catch (IOException e) {
                        throw new FormatException(path + ": line " + (line + 1) + ": cannot read (" + e.getMessage() + ")", e);
                    }
                    if (len == -1) return null;
                    line++;
                    if (len == -2) { skip(); continue; }
                    String s = decode(buf, len);
                    if (s.isBlank()) continue;
                    return parse(s);
                }
            }

            /** Reads one line into buf; returns its length without the line end, -1 at EOF, -2 if over the size limit. */
            private int readLine() throws IOException {
                int n = 0;
                boolean tooLong = false, any = false;
                while (true) {
                    if (pos == lim) {
                        lim = in.read(chunk, 0, chunk.length);
                        pos = 0;
                        if (lim <= 0) { lim = 0; break; }
                    }
                    any = true;
                    int start = pos;
                    while (pos < lim && chunk[pos] != '\n') pos++;
                    int take = pos - start;
                    boolean eol = pos < lim;
                    if (eol) pos++;
                    if (!tooLong) {
                        if ((long) n + take > options.maxDocumentBytes()) tooLong = true;
                        else {
                            if (n + take > buf.length) buf = Arrays.copyOf(buf, (int) Math.min(Math.max(2L * buf.length, n + take), options.maxDocumentBytes()));
                            System.arraycopy(chunk, start, buf, n, take);
                            n += take;
                        }
                    }
                    if (eol) break;
                }
                if (!any) return -1;
                if (tooLong) return -2;
                if (n > 0 && buf[n - 1] == '\r') n--;
                return n;
            }

            private Document parse(String s) {
                String where = path + ": line " + line;
                JsonNode node;
                try {
                    node = JSON.readTree(s);
                } catch (JsonProcessingException e) {
                    throw new FormatException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
                }
                if (node == null || !node.isObject()) throw new FormatException(where + ": not a JSON object");
                JsonNode text = node.get(options.textField());
                if (text == null || !text.isTextual())
                    throw new FormatException(where + ": no string field '" + options.textField() + "' (set the corpus text field to the right name)");
                String id = file + ":" + line;
                if (options.idField() != null) {
                    JsonNode idn = node.get(options.idField());
                    if (idn == null || !idn.isValueNode() || idn.isNull())
                        throw new FormatException(where + ": no id field '" + options.idField() + "'");
                    id = idn.asText();
                }
                return new Document(id, text.asText());
            }
        };
        return stream(it, () -> {
            try { in.close(); } catch (IOException ignored) { } // read-only: nothing to lose
        });
    }
}
