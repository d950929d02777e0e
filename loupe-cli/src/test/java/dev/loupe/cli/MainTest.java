package dev.loupe.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

class MainTest {
    static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new String[]{String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void infoPrintsBackendAndThreads() {
        String[] r = run("info");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("backend"), r[1]);
        assertTrue(r[1].contains("threads"), r[1]);
    }

    @Test
    void unknownFlagIsUsageError() {
        String[] r = run("info", "--nope");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--nope"), r[2]);
    }
}
