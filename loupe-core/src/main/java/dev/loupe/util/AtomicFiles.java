package dev.loupe.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one way Loupe writes a file (DESIGN.md: "files are written atomically"): the content goes to a
 * temp file in the target's directory, which is made rw-r--r-- ({@code Files.createTempFile} makes
 * it owner-only) and then renamed over the target. Any failure — disk full, refused rename, an
 * exception from the writer — leaves neither a partial target nor a stray temp file; an existing
 * target stays as it was.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the temp file given to it; may throw. */
    @FunctionalInterface
    public interface Body { void writeTo(Path tmp) throws IOException; }

    public static void write(Path path, Body body) {
        Path tmp = null;
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
            body.writeTo(tmp);
            readable(tmp);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            if (tmp != null) try { Files.deleteIfExists(tmp); } catch (IOException ignored) { }
            if (e instanceof LoupeException le) throw le;
            throw new LoupeException("cannot write " + path + ": " + e + " (check the directory exists and is writable)", e);
        }
    }

    public static void writeString(Path path, String text) {
        write(path, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    private static void readable(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX file systems keep their default permissions
        }
    }
}
