// Opens the feature store's SQLite file (read-write in WAL mode, or read-only) and turns SQLite
// failures into Loupe's one-line errors: not a SQLite file, damaged, locked by another writer.
// Not the schema logic (Migrations) and not queries. Driver: xerial sqlite-jdbc (bundled SQLite
// with FTS5); pragmas follow https://www.sqlite.org/pragma.html and https://www.sqlite.org/wal.html.
package dev.loupe.store;

import dev.loupe.util.FormatException;
import dev.loupe.util.LoupeException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

final class StoreFiles {
    private StoreFiles() {}

    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /**
     * Opens a connection. Read-write connections use WAL (readers never block the writer and see
     * only committed transactions), synchronous=NORMAL (crash-safe in WAL; the last transaction may
     * be lost on power failure), foreign keys, and wait up to {@code busyMillis} for another writer.
     */
    static Connection connect(Path path, boolean readOnly, int busyMillis) {
        checkHeader(path, readOnly);
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout(busyMillis);
        cfg.enforceForeignKeys(true);
        if (readOnly) {
            cfg.setReadOnly(true);
        } else {
            cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
            cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        }
        try {
            Connection c = cfg.createConnection("jdbc:sqlite:" + path.toAbsolutePath());
            if (readOnly) exec(c, "PRAGMA query_only = 1", path);
            return c;
        } catch (SQLException e) {
            throw fail(path, "open", e);
        }
    }

    /** A file that exists and is non-empty must start with the SQLite magic string. */
    private static void checkHeader(Path path, boolean readOnly) {
        if (!Files.exists(path)) {
            if (readOnly)
                throw new LoupeException("feature store " + path + " does not exist; create it with `loupe analyze` or check the path");
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent))
                throw new LoupeException("feature store " + path + " cannot be created: directory " + parent + " does not exist");
            return;
        }
        if (Files.isDirectory(path))
            throw new LoupeException("feature store " + path + " is a directory; give the path of the store file (e.g. " + path.resolve("loupe.db") + ")");
        byte[] head = new byte[SQLITE_MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new LoupeException("feature store " + path + " cannot be read: " + e.getMessage(), e);
        }
        if (n == 0) {
            if (readOnly) throw new FormatException("feature store " + path + " is an empty file, not a Loupe store; create it with `loupe analyze`");
            return;
        }
        if (n < head.length || !Arrays.equals(head, SQLITE_MAGIC))
            throw new FormatException("feature store " + path + " is not a SQLite database (wrong file header); point to a Loupe store file or to a new file name");
    }

    static void exec(Connection c, String sql, Path path) {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw fail(path, sql.length() > 40 ? sql.substring(0, 40) + "..." : sql, e);
        }
    }

    /** Maps a SQLite failure to a one-line Loupe error naming the store and what to do. */
    static LoupeException fail(Path path, String action, SQLException e) {
        int code = e instanceof SQLiteException se ? se.getResultCode().code & 0xff : e.getErrorCode() & 0xff;
        String where = "feature store " + path + " (" + action + "): ";
        return switch (code) {
            case 5, 6 -> new LoupeException(where + "database is locked by another writer; wait for it (e.g. a running `loupe analyze`) to finish and retry", e);
            case 26 -> new FormatException(where + "file is not a SQLite database; point to a Loupe store file or to a new file name", e);
            case 11 -> new FormatException(where + "database file is damaged (" + firstLine(e) + "); restore it from a copy or re-create it", e);
            case 8 -> new LoupeException(where + "store is opened read-only; open it read-write to change it", e);
            case 14 -> new LoupeException(where + "cannot open the file (" + firstLine(e) + "); check the path and its permissions", e);
            default -> new LoupeException(where + firstLine(e), e);
        };
    }

    private static String firstLine(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
