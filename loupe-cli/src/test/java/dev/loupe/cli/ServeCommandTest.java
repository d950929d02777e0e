package dev.loupe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

// Error paths of `loupe serve` (the verb blocks while serving; serving itself is tested in loupe-server).
class ServeCommandTest {
    @Test void missingStoreIsAConfigError(@TempDir Path dir) {
        String[] r = MainTest.run("serve", "--store", dir.resolve("nope.db").toString(), "--port", "0");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("nope.db") && r[2].contains("loupe analyze"), r[2]);
    }

    @Test void aFileThatIsNotAStoreIsRejected(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("x.db"), "not sqlite");
        String[] r = MainTest.run("serve", "--store", f.toString(), "--port", "0");
        assertNotEquals("0", r[0]);
        assertTrue(r[2].startsWith("loupe: ") && r[2].contains("x.db") && !r[2].contains("\tat "), r[2]);
    }

    @Test void shortTokenIsRejected(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("x.db"), "");
        String[] r = MainTest.run("serve", "--store", f.toString(), "--host", "0.0.0.0", "--token", "abc");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("at least 8 characters"), r[2]);
    }

    @Test void requiresStore() {
        String[] r = MainTest.run("serve");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--store"), r[2]);
    }
}
