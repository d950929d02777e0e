package dev.loupe.corpus;

import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class CorporaTest {
    @TempDir Path dir;

    private static List<Document> all(Corpus c) {
        try (Stream<Document> s = c.documents()) { return s.toList(); }
    }

    private static List<String> ids(Corpus c) { return all(c).stream().map(Document::id).toList(); }

    @Test
    void directoryIsFilteredSortedAndRecursive() throws IOException {
        Path root = Files.createDirectory(dir.resolve("corpus"));
        Files.createDirectories(root.resolve("b/sub"));
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve("z.txt"), "last");
        Files.writeString(root.resolve("b/sub/deep.md"), "héllo ✓");
        Files.writeString(root.resolve("b/a.TXT"), "upper ext");
        Files.writeString(root.resolve("a.bin"), "skip me");
        Files.writeString(root.resolve(".git/x.txt"), "hidden");
        Corpus c = Corpora.open(root);
        assertEquals("directory", c.kind());
        assertEquals(List.of("b/a.TXT", "b/sub/deep.md", "z.txt"), ids(c));
        assertEquals("héllo ✓", all(c).get(1).text());
        assertEquals(List.of("a.bin"), ids(Corpora.open(root, CorpusOptions.defaults().withExtensions(".bin"))));
        assertEquals(0, c.replacedSequences());
    }

    @Test
    void invalidUtf8IsReplacedAndCounted() throws IOException {
        Path root = Files.createDirectory(dir.resolve("c"));
        // 'a', lone 0xFF, 'b', lone 0xFE, then a truncated 3-byte sequence (E2 82) at the end: 3 bad sequences
        Files.write(root.resolve("bad.txt"), new byte[]{'a', (byte) 0xff, 'b', (byte) 0xfe, (byte) 0xe2, (byte) 0x82});
        Corpus c = Corpora.open(root);
        // each maximal bad sequence becomes one U+FFFD (the truncated E2 82 is one sequence)
        assertEquals("a\uFFFDb\uFFFD\uFFFD", all(c).getFirst().text());
        assertEquals(3, c.replacedSequences());
    }

    @Test
    void readsLazily() throws IOException {
        Path root = Files.createDirectory(dir.resolve("lazy"));
        Files.writeString(root.resolve("1.txt"), "one");
        Files.writeString(root.resolve("2.txt"), "two");
        Corpus c = Corpora.open(root);
        try (Stream<Document> s = c.documents()) {
            Iterator<Document> it = s.iterator();
            assertEquals("one", it.next().text());
            Files.writeString(root.resolve("2.txt"), "changed"); // not read yet, so the change is seen
            assertEquals("changed", it.next().text());
            assertFalse(it.hasNext());
        }
    }

    @Test
    void oversizedDocumentsAreSkippedAndCounted() throws IOException {
        Path root = Files.createDirectory(dir.resolve("big"));
        Files.writeString(root.resolve("a.txt"), "x".repeat(100));
        Files.writeString(root.resolve("b.txt"), "small");
        Corpus c = Corpora.open(root, CorpusOptions.defaults().withMaxDocumentBytes(50));
        assertEquals(List.of("b.txt"), ids(c));
        assertEquals(1, c.skippedDocuments());
    }

    @Test
    void zipEntriesAreFilteredAndSorted() throws IOException {
        Path zip = dir.resolve("c.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String[] e : new String[][]{{"pkg/B.java", "class B {}"}, {"pkg/A.java", "class A {}"}, {"README.txt", "no"}}) {
                z.putNextEntry(new ZipEntry(e[0]));
                z.write(e[1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry("dir.java/"));
            z.closeEntry();
        }
        Corpus c = Corpora.open(zip, CorpusOptions.defaults().withExtensions("java"));
        assertEquals("zip", c.kind());
        List<Document> docs = all(c);
        assertEquals(List.of("pkg/A.java", "pkg/B.java"), docs.stream().map(Document::id).toList());
        assertEquals("class A {}", docs.getFirst().text());
    }

    private static final String JSONL = """
            {"text": "first doc", "id": "d1"}

            {"id": 7, "text": "second\\nline"}\r
            {"text": "third", "id": "d3"}""";

    private static void gzip(Path p, String s) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) { o.write(s.getBytes(StandardCharsets.UTF_8)); }
    }

    @Test
    void jsonlAndGzipGiveTheSameDocuments() throws IOException {
        Path plain = Files.writeString(dir.resolve("c.jsonl"), JSONL);
        Path gz = dir.resolve("c.jsonl.gz");
        gzip(gz, JSONL);
        for (Path p : List.of(plain, gz)) {
            List<Document> d = all(Corpora.open(p));
            assertEquals(3, d.size(), p.toString());
            assertEquals(new Document(p.getFileName() + ":1", "first doc"), d.get(0));
            assertEquals(new Document(p.getFileName() + ":3", "second\nline"), d.get(1));
            assertEquals("third", d.get(2).text());
        }
        assertEquals(List.of("d1", "7", "d3"), ids(Corpora.open(gz, CorpusOptions.defaults().withIdField("id"))));
    }

    @Test
    void jsonlErrorsNameFileAndLine() throws IOException {
        Path p = Files.writeString(dir.resolve("bad.jsonl"), "{\"text\":\"ok\"}\n{\"body\":\"x\"}\n");
        var e = assertThrows(FormatException.class, () -> all(Corpora.open(p)));
        assertTrue(e.getMessage().contains("bad.jsonl: line 2") && e.getMessage().contains("'text'"), e.getMessage());
        var body = assertThrows(FormatException.class, () -> all(Corpora.open(p, CorpusOptions.defaults().withTextField("body"))));
        assertTrue(body.getMessage().contains("line 1") && body.getMessage().contains("'body'"), body.getMessage());
        Path q = Files.writeString(dir.resolve("bad2.jsonl"), "{\"text\":\"ok\"}\n\n{\"text\": oops}\n");
        e = assertThrows(FormatException.class, () -> all(Corpora.open(q)));
        assertTrue(e.getMessage().contains("bad2.jsonl: line 3") && e.getMessage().contains("not valid JSON"), e.getMessage());
        Path r = Files.writeString(dir.resolve("bad3.jsonl"), "[1,2]\n");
        e = assertThrows(FormatException.class, () -> all(Corpora.open(r)));
        assertTrue(e.getMessage().contains("line 1: not a JSON object"), e.getMessage());
        Path notGz = Files.writeString(dir.resolve("x.jsonl.gz"), "plain text");
        e = assertThrows(FormatException.class, () -> all(Corpora.open(notGz)));
        assertTrue(e.getMessage().contains("x.jsonl.gz"), e.getMessage());
    }

    @Test
    void unknownKindIsAConfigError() throws IOException {
        Path p = Files.writeString(dir.resolve("c.parquet"), "");
        assertThrows(ConfigException.class, () -> Corpora.open(p));
        assertThrows(ConfigException.class, () -> Corpora.open(dir.resolve("missing")));
    }

    @Test
    void jdkSourceZipSmoke() {
        Path src = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        Assumptions.assumeTrue(Files.isRegularFile(src), "no JDK src.zip at " + src);
        Corpus c = Corpora.open(src, CorpusOptions.defaults().withExtensions("java"));
        List<Document> docs;
        try (Stream<Document> s = c.documents()) { docs = s.limit(5).toList(); }
        assertEquals(5, docs.size());
        for (int i = 0; i < docs.size(); i++) {
            assertTrue(docs.get(i).id().endsWith(".java"), docs.get(i).id());
            assertTrue(docs.get(i).text().contains("package ") || docs.get(i).text().contains("module "), docs.get(i).id());
            if (i > 0) assertTrue(docs.get(i - 1).id().compareTo(docs.get(i).id()) < 0);
        }
    }
}
