package dev.loupe.testutil;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared} (read-only fixtures) relative to the repository root. */
public final class Shared {
    private Shared() {}

    public static Path root() {
        String p = System.getProperty("loupe.shared");
        Path dir = p != null ? Path.of(p) : Path.of("..", "shared");
        if (!Files.isDirectory(dir)) dir = Path.of("..", "..", "shared");
        if (!Files.isDirectory(dir)) throw new IllegalStateException("../shared not found (looked at " + dir.toAbsolutePath() + "); tests need the shared fixtures beside the repository");
        return dir.normalize();
    }

    public static Path path(String first, String... more) { return root().resolve(Path.of(first, more)); }
}
