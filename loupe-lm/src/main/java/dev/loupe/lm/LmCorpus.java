package dev.loupe.lm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;
import dev.loupe.util.LoupeException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Training documents for the research LMs and the two corpus rules of the LM issue:
 * <ul>
 *   <li><b>Licence headers.</b> A document that starts (after whitespace) with a block comment
 *       mentioning "copyright" or "license" keeps that comment only if {@code bucket(name, "licence")}
 *       falls in the first {@link #LICENCE_KEEP_PERCENT}% of 100 buckets; otherwise the comment and
 *       the blank lines after it are removed. So the JDK's repeated GPL header appears in ~5% of
 *       files: the model still learns what one looks like, but it does not dominate the loss.</li>
 *   <li><b>Split by file.</b> A document is held out when {@code bucket(name, "split")} falls in the
 *       first {@code heldOutFraction} of 10,000 buckets. The bucket is a salted 64-bit FNV-1a hash of
 *       the document name, so the split is deterministic, independent of reading order, and stable
 *       when files are added.</li>
 * </ul>
 * INTEGRATION: the readers below (zip / directory / JSONL) are a stop-gap until
 * {@code dev.loupe.corpus} lands; then {@link #read} should delegate to it and keep only the rules.
 */
public final class LmCorpus {
    public static final int LICENCE_KEEP_PERCENT = 5;
    private static final Pattern LEADING_COMMENT = Pattern.compile("\\A\\s*/\\*.*?\\*/[ \\t]*(\\r?\\n[ \\t]*)*", Pattern.DOTALL);

    /** One document: a stable name (path inside the corpus) and its text. */
    public record Document(String name, String text) {}

    /** Documents of each split, in corpus order, after the licence rule. */
    public record Split(List<Document> train, List<Document> heldOut) {}

    private LmCorpus() {}

    /** The running JDK's source archive, the default corpus; a clear error if this JDK has none. */
    public static Path defaultCorpus() {
        Path p = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        if (!Files.isRegularFile(p))
            throw new ConfigException("the default corpus " + p + " is missing (a JRE or a JDK without sources); pass --corpus with a text directory, a .zip of text files or a .jsonl file with a \"text\" field");
        return p;
    }

    /** Splits documents by file and applies the licence rule. */
    public static Split split(List<Document> docs, double heldOutFraction) {
        if (!(heldOutFraction > 0 && heldOutFraction < 1))
            throw new ConfigException("held-out fraction must be in (0, 1), got " + heldOutFraction);
        List<Document> train = new ArrayList<>(), held = new ArrayList<>();
        long cut = Math.round(heldOutFraction * 10_000);
        for (Document d : docs) {
            Document kept = applyLicenceRule(d);
            (bucket(d.name(), "split", 10_000) < cut ? held : train).add(kept);
        }
        return new Split(train, held);
    }

    static Document applyLicenceRule(Document d) {
        var m = LEADING_COMMENT.matcher(d.text());
        if (!m.lookingAt()) return d;
        String comment = m.group().toLowerCase(java.util.Locale.ROOT);
        if (!comment.contains("copyright") && !comment.contains("license")) return d;
        if (bucket(d.name(), "licence", 100) < LICENCE_KEEP_PERCENT) return d;
        return new Document(d.name(), d.text().substring(m.end()));
    }

    /** Salted FNV-1a 64 of the name, finalised with SplitMix64's mixer, reduced to [0, buckets); salts keep the uses independent. */
    public static long bucket(String name, String salt, int buckets) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (salt + "\0" + name).getBytes(StandardCharsets.UTF_8)) { h ^= b & 0xFF; h *= 0x100000001b3L; }
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return Long.remainderUnsigned(h, buckets);
    }

    // ---------------------------------------------------------------- interim readers (see INTEGRATION above)

    /** All text documents of a .zip/.jar, a directory tree (files sorted by path) or a .jsonl file. */
    public static List<Document> read(Path corpus) {
        if (!Files.exists(corpus))
            throw new ConfigException("corpus " + corpus + " does not exist: pass a text directory, a .zip of text files or a .jsonl file");
        String n = corpus.getFileName() == null ? "" : corpus.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        List<Document> docs = new ArrayList<>();
        try {
            if (Files.isDirectory(corpus)) {
                try (Stream<Path> s = Files.walk(corpus)) {
                    for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                        String text = utf8(Files.readAllBytes(p));
                        if (text != null) docs.add(new Document(corpus.relativize(p).toString().replace('\\', '/'), text));
                    }
                }
            } else if (n.endsWith(".zip") || n.endsWith(".jar")) {
                try (ZipFile zip = new ZipFile(corpus.toFile())) {
                    for (var e : java.util.Collections.list(zip.entries())) {
                        if (e.isDirectory()) continue;
                        try (InputStream in = zip.getInputStream(e)) {
                            String text = utf8(in.readAllBytes());
                            if (text != null) docs.add(new Document(e.getName(), text));
                        }
                    }
                }
            } else if (n.endsWith(".jsonl")) {
                var json = new ObjectMapper();
                try (BufferedReader r = Files.newBufferedReader(corpus)) {
                    int line = 0;
                    for (String s; (s = r.readLine()) != null; ) {
                        line++;
                        if (s.isBlank()) continue;
                        var node = json.readTree(s).path("text");
                        if (!node.isTextual()) throw new FormatException(corpus + ":" + line + ": no string field \"text\"");
                        docs.add(new Document(corpus.getFileName() + ":" + line, node.asText()));
                    }
                }
            } else {
                throw new ConfigException("corpus " + corpus + " is not a directory, .zip/.jar or .jsonl file");
            }
        } catch (IOException e) {
            throw new LoupeException("cannot read corpus " + corpus + ": " + e.getMessage(), e);
        }
        if (docs.isEmpty()) throw new ConfigException("corpus " + corpus + " holds no UTF-8 text documents");
        return docs;
    }

    /** Strict UTF-8 decode; null for binary files (NUL bytes or invalid UTF-8), which are skipped. */
    private static String utf8(byte[] bytes) {
        for (byte b : bytes) if (b == 0) return null;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
