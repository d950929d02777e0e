package dev.loupe.corpus;

import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.*;

class TextCorpusTest {
    static final String GPL = "/*\n * Copyright (c) 2003, 2024, Oracle and/or its affiliates. All rights reserved.\n"
            + " * DO NOT ALTER OR REMOVE COPYRIGHT NOTICES OR THIS FILE HEADER.\n * GNU General Public License version 2\n */\n\n";

    @Test void licenceHeaderKeptInAboutFivePercentOfDocuments() {
        int kept = 0, n = 4000;
        for (int i = 0; i < n; i++) {
            var d = TextCorpus.applyLicenceRule(new Document("pkg/File" + i + ".java", GPL + "package a;\n"));
            if (d.text().startsWith("/*")) kept++;
            else assertEquals("package a;\n", d.text());
        }
        assertTrue(kept > n * 0.035 && kept < n * 0.065, "kept " + kept + " of " + n);
        var javadoc = new Document("A.java", "/** Utility class. */\nclass A {}");
        assertSame(javadoc, TextCorpus.applyLicenceRule(javadoc));   // a leading comment that is not a licence stays
        var plain = new Document("B.java", "class B {} /* Copyright */");
        assertSame(plain, TextCorpus.applyLicenceRule(plain));
    }

    @Test void splitIsByFileDeterministicAndOrderIndependent() {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 3000; i++) docs.add(new Document("f" + i + ".txt", "text " + i));
        var s1 = TextCorpus.split(docs, 0.1);
        List<Document> shuffled = new ArrayList<>(docs);
        Collections.shuffle(shuffled, new Random(2));
        var s2 = TextCorpus.split(shuffled, 0.1);
        var names1 = s1.heldOut().stream().map(Document::id).sorted().toList();
        var names2 = s2.heldOut().stream().map(Document::id).sorted().toList();
        assertEquals(names1, names2);
        assertTrue(names1.size() > 240 && names1.size() < 360, "held out " + names1.size());
        assertEquals(3000, s1.train().size() + s1.heldOut().size());
        assertThrows(ConfigException.class, () -> TextCorpus.split(docs, 1.5));
    }

    @Test void readsDirectoriesAndJsonlThroughCorpora(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("d/sub"));
        Files.writeString(dir.resolve("d/b.txt"), "bee");
        Files.writeString(dir.resolve("d/sub/a.txt"), "ay");
        Files.write(dir.resolve("d/bin.dat"), new byte[]{1, 0, 2});   // extension not read
        var docs = TextCorpus.read(dir.resolve("d"));
        assertEquals(List.of("b.txt", "sub/a.txt"), docs.stream().map(Document::id).toList());
        Files.writeString(dir.resolve("c.jsonl"), "{\"text\": \"one\"}\n\n{\"text\": \"two\\n\"}\n");
        assertEquals(List.of("one", "two\n"), TextCorpus.read(dir.resolve("c.jsonl")).stream().map(Document::text).toList());
        var e = assertThrows(ConfigException.class, () -> TextCorpus.read(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test void streamGivesEachSideOfTheSplitLazily(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("d"));
        for (int i = 0; i < 200; i++) Files.writeString(dir.resolve("d/f" + i + ".txt"), (i % 2 == 0 ? GPL : "") + "text " + i);
        var split = TextCorpus.split(TextCorpus.read(dir.resolve("d")), 0.2);
        try (var train = TextCorpus.stream(dir.resolve("d"), 0.2, false); var held = TextCorpus.stream(dir.resolve("d"), 0.2, true)) {
            assertEquals(split.train(), train.toList());
            assertEquals(split.heldOut(), held.toList());
        }
        assertFalse(split.heldOut().isEmpty());
        assertThrows(ConfigException.class, () -> TextCorpus.stream(dir.resolve("d"), 0, true));
    }
}
