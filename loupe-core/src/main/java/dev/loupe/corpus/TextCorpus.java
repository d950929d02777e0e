package dev.loupe.corpus;

import dev.loupe.util.ConfigException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Documents of a text corpus split into training and held-out parts, with the two corpus rules of the LM
 * issue (every stage that needs "held-out text" — LM training, harvesting, analysis, auto-interp — uses this split):
 * <ul>
 *   <li><b>Licence headers.</b> A document that starts (after whitespace) with a block comment
 *       mentioning "copyright" or "license" keeps that comment only if {@code bucket(name, "licence")}
 *       falls in the first {@link #LICENCE_KEEP_PERCENT}% of 100 buckets; otherwise the comment and
 *       the blank lines after it are removed. So the JDK's repeated GPL header appears in ~5% of
 *       files: the model still learns what one looks like, but it does not dominate the loss.</li>
 *   <li><b>Split by file.</b> {@link DocumentSplit}: a document is held out by a seeded hash of its
 *       id, so the split is deterministic, independent of reading order, and stable when files are
 *       added.</li>
 * </ul>
 * Reading is {@link Corpora}'s; the split is {@link DocumentSplit} with seed {@link #SPLIT_SEED}, shared
 * with every other stage that needs "held-out" text.
 */
public final class TextCorpus {
    public static final int LICENCE_KEEP_PERCENT = 5;
    public static final long SPLIT_SEED = 0;
    private static final Pattern LEADING_COMMENT = Pattern.compile("\\A\\s*/\\*.*?\\*/[ \\t]*(\\r?\\n[ \\t]*)*", Pattern.DOTALL);

    /** Documents of each split, in corpus order, after the licence rule. */
    public record Split(List<Document> train, List<Document> heldOut) {}

    private TextCorpus() {}

    /** The running JDK's source archive, the default corpus; a clear error if this JDK has none. */
    public static Path defaultCorpus() {
        Path p = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        if (!Files.isRegularFile(p))
            throw new ConfigException("the default corpus " + p + " is missing (a JRE or a JDK without sources); pass --corpus with a text directory, a .zip of text files or a .jsonl file with a \"text\" field");
        return p;
    }

    /** Splits documents by id ({@link DocumentSplit}) and applies the licence rule. */
    public static Split split(List<Document> docs, double heldOutFraction) {
        if (!(heldOutFraction > 0 && heldOutFraction < 1))
            throw new ConfigException("held-out fraction must be in (0, 1), got " + heldOutFraction);
        List<Document> train = new ArrayList<>(), held = new ArrayList<>();
        var split = new DocumentSplit(heldOutFraction, SPLIT_SEED);
        for (Document d : docs) (split.isHeldOut(d.id()) ? held : train).add(applyLicenceRule(d));
        return new Split(train, held);
    }

    static Document applyLicenceRule(Document d) {
        var m = LEADING_COMMENT.matcher(d.text());
        if (!m.lookingAt()) return d;
        String comment = m.group().toLowerCase(java.util.Locale.ROOT);
        if (!comment.contains("copyright") && !comment.contains("license")) return d;
        if (bucket(d.id(), "licence", 100) < LICENCE_KEEP_PERCENT) return d;
        return new Document(d.id(), d.text().substring(m.end()));
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

    /**
     * All documents of a corpus (directory, .zip or .jsonl[.gz]; see {@link Corpora}), in corpus order.
     * Directories and zips contribute .java, .txt and .md files.
     */
    public static List<Document> read(Path corpus) {
        List<Document> docs;
        try (Stream<Document> s = open(corpus)) {
            docs = s.toList();
        }
        if (docs.isEmpty()) throw new ConfigException("corpus " + corpus + " holds no .java, .txt or .md documents");
        return docs;
    }

    /**
     * The documents of one side of {@link #split} (same rules and seed), read lazily in corpus order, so
     * memory is one document whatever the corpus size (harvesting streams this). Close the stream.
     */
    public static Stream<Document> stream(Path corpus, double heldOutFraction, boolean heldOut) {
        if (!(heldOutFraction > 0 && heldOutFraction < 1))
            throw new ConfigException("held-out fraction must be in (0, 1), got " + heldOutFraction);
        var split = new DocumentSplit(heldOutFraction, SPLIT_SEED);
        return open(corpus).filter(d -> split.isHeldOut(d.id()) == heldOut).map(TextCorpus::applyLicenceRule);
    }

    private static Stream<Document> open(Path corpus) {
        if (!Files.exists(corpus))
            throw new ConfigException("corpus " + corpus + " does not exist: pass a text directory, a .zip of text files or a .jsonl file");
        return Corpora.open(corpus, CorpusOptions.defaults().withExtensions("java", "txt", "md")).documents();
    }
}
