package dev.loupe.lm;

import dev.loupe.util.LoupeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Atomic text-file writes (temp file in the same directory, then rename) for the small JSON files of
 * model and tokenizer directories. The temp file is made world-readable (rw-r--r--) before the rename:
 * {@code Files.createTempFile} creates it owner-only, and these directories are meant to be shared.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    public static void writeString(Path path, String text) {
        Path tmp = null;
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
            Files.writeString(tmp, text);
            readable(tmp);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (tmp != null) try { Files.deleteIfExists(tmp); } catch (IOException ignored) { }
            throw new LoupeException("cannot write " + path + ": " + e.getMessage() + " (check the directory is writable)", e);
        }
    }

    /** Sets rw-r--r-- where the file system has POSIX permissions (used also on files SafeTensorsWriter made). */
    public static void readable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // non-POSIX file systems: keep their default permissions
        }
    }
}
