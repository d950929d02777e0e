package dev.loupe.io;

import dev.loupe.tensor.Tensor;
import dev.loupe.util.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The writer replaces a file atomically and a failed write leaves no partial or temp file. */
class SafeTensorsAtomicWriteTest {
    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) { return s.map(p -> p.getFileName().toString()).sorted().toList(); }
    }

    @Test
    void failedRenameLeavesNoTempFile(@TempDir Path dir) throws IOException {
        // The target is a non-empty directory, so the final rename must fail after the data was written.
        Path target = dir.resolve("w.safetensors");
        Files.createDirectories(target.resolve("child"));
        var w = new SafeTensorsWriter().add("a", new Tensor(new float[]{1, 2, 3}, 3));
        LoupeException e = assertThrows(LoupeException.class, () -> w.write(target));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertEquals(List.of("w.safetensors"), names(dir));
        assertTrue(Files.isDirectory(target.resolve("child")));
    }

    @Test
    void overwriteReplacesWholeFileAndLeavesNoTemp(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("w.safetensors");
        new SafeTensorsWriter().add("old", new Tensor(new float[100], 100)).write(target);
        new SafeTensorsWriter().add("new", new Tensor(new float[]{5}, 1)).write(target);
        assertEquals(List.of("w.safetensors"), names(dir));
        try (SafeTensors st = SafeTensors.open(target)) {
            assertEquals(List.of("new"), List.copyOf(st.entries().keySet()));
            assertEquals(5f, st.tensor("new").data()[0]);
        }
    }

    @Test
    void unwritableParentFailsCleanly(@TempDir Path dir) throws IOException {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        var w = new SafeTensorsWriter().add("a", new Tensor(new float[]{1}, 1));
        LoupeException e = assertThrows(LoupeException.class, () -> w.write(blocker.resolve("w.safetensors")));
        assertTrue(e.getMessage().contains("w.safetensors"), e.getMessage());
        assertEquals(List.of("file"), names(dir));
    }

    @Test
    void i32OverflowIsRejectedBeforeWriting() {
        assertThrows(IllegalArgumentException.class,
                () -> new SafeTensorsWriter().addLongs("ids", new long[]{1L << 40}, DType.I32, 1));
    }
}
