// StageCache: a stage runs once per distinct inputs, a failed body commits nothing (no output, no
// marker), and a changed input or a deleted output redoes the stage.
package dev.loupe.server.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class StageCacheTest {
    static ObjectNode inputs(long tokens) { return StageCache.object().put("tokens", tokens).put("hook", "h"); }

    @Test void runsOncePerInputsAndCommitsAtomically(@TempDir Path dir) throws Exception {
        StageCache c = new StageCache(dir);
        int[] runs = {0};
        StageCache.Body body = out -> { runs[0]++; Files.writeString(out.resolve("x.txt"), "run " + runs[0]); };
        assertTrue(c.run("s", inputs(1_000_000L), false, body));
        assertEquals("run 1", Files.readString(dir.resolve("s/x.txt")));
        assertFalse(Files.exists(dir.resolve("s.partial")));
        assertFalse(new StageCache(dir).run("s", inputs(1_000_000L), false, body), "same inputs (long vs int after reading back) reuse the stage");
        assertEquals(1, runs[0]);
        assertTrue(c.run("s", inputs(2_000_000L), false, body));
        assertEquals("run 2", Files.readString(dir.resolve("s/x.txt")));
        StageCache.delete(dir.resolve("s"));
        assertTrue(c.run("s", inputs(2_000_000L), false, body), "a deleted output is redone");
        assertEquals(3, runs[0]);
    }

    @Test void aFailedBodyLeavesNoOutputAndNoMarker(@TempDir Path dir) {
        StageCache c = new StageCache(dir);
        assertThrows(IllegalStateException.class, () -> c.run("s", inputs(1), false, out -> {
            Files.writeString(out.resolve("half.txt"), "x");
            throw new IllegalStateException("interrupted");
        }));
        assertFalse(Files.exists(dir.resolve("s")));
        assertFalse(c.done("s", inputs(1)));
    }

    @Test void aResumableStageContinuesItsPartialFolderOnlyWithTheSameInputs(@TempDir Path dir) throws Exception {
        StageCache c = new StageCache(dir);
        assertThrows(IllegalStateException.class, () -> c.run("h", inputs(1), true, out -> {
            Files.writeString(out.resolve("shard0"), "done");
            throw new IllegalStateException("killed");
        }));
        c.run("h", inputs(1), true, out -> assertTrue(Files.exists(out.resolve("shard0")), "resumed"));
        assertThrows(IllegalStateException.class, () -> c.run("h2", inputs(1), true, out -> {
            Files.writeString(out.resolve("shard0"), "done");
            throw new IllegalStateException("killed");
        }));
        c.run("h2", inputs(2), true, out -> assertFalse(Files.exists(out.resolve("shard0")), "other inputs start empty"));
    }
}
