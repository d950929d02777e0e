// Versioned schema of the feature store: forward-only migrations read from the ordered scripts
// resources dev/loupe/store/migrations/V001.sql, V002.sql, ... (the highest present is LATEST).
// Each applied script adds a row to schema_version; a store whose version exceeds LATEST was
// written by a newer Loupe and is refused. Not a general migration framework: no down-migrations.
package dev.loupe.store;

import dev.loupe.util.FormatException;
import dev.loupe.util.LoupeException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

final class Migrations {
    private Migrations() {}

    /** SQLite header application_id marking a Loupe store: ASCII "LOUP". */
    static final int APPLICATION_ID = 0x4C4F5550;

    private static final List<String> SCRIPTS = loadScripts();

    /** Schema version this code writes and reads. */
    static final int LATEST = SCRIPTS.size();

    /**
     * Oldest schema a read-only open accepts. It cannot migrate, so V002 and V003 stores are read
     * through temporary views in the V004 shape (read-V002.sql); V003 changed only how writers fill
     * the full-text index, so both read the same.
     */
    static final int READABLE_FROM = 2;
    private static final int VIEWS_BEFORE = 4;
    private static final String READ_VIEWS = loadScript("migrations/read-V002.sql");

    private static List<String> loadScripts() {
        List<String> scripts = new ArrayList<>();
        for (int v = 1; ; v++) {
            String script = loadScript(String.format("migrations/V%03d.sql", v));
            if (script == null) return List.copyOf(scripts);
            scripts.add(script);
        }
    }

    /** A script from the jar; null when there is none of that name. */
    private static String loadScript(String name) {
        try (InputStream in = Migrations.class.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LoupeException("cannot read schema script " + name + " from the Loupe jar: " + e.getMessage(), e);
        }
    }

    /**
     * On a read-only connection to a store older than LATEST (at least READABLE_FROM), creates the
     * temporary views that give its tables the current shape. They live in the connection's temp
     * schema, so query_only is lifted only while they are created.
     */
    static void readOnlyViews(Connection c, int version) throws SQLException {
        if (version >= VIEWS_BEFORE) return;
        try (Statement s = c.createStatement()) {
            s.executeUpdate("PRAGMA query_only = 0");
            s.executeUpdate(READ_VIEWS);
            s.executeUpdate("PRAGMA query_only = 1");
        }
    }

    /**
     * Schema version of an open store: 0 for an empty database, otherwise the highest applied
     * migration. Refuses SQLite files that are not Loupe stores.
     */
    static int version(Connection c, Path path) throws SQLException {
        try (Statement s = c.createStatement()) {
            int appId = scalarInt(s, "PRAGMA application_id");
            int tables = scalarInt(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
            if (appId != APPLICATION_ID) {
                if (tables == 0) return 0;
                throw new FormatException("feature store " + path + " is a SQLite database but not a Loupe store (application_id "
                        + Integer.toHexString(appId) + "); point to a Loupe store file or to a new file name");
            }
            if (scalarInt(s, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'") == 0)
                throw new FormatException("feature store " + path + " is marked as a Loupe store but has no schema_version table; the file is damaged, re-create it");
            return scalarInt(s, "SELECT coalesce(max(version), 0) FROM schema_version");
        }
    }

    /** Fails when the store was written by a newer Loupe (its schema is unknown to this code). */
    static void checkNotNewer(int version, Path path) { checkNotNewer(version, LATEST, path); }

    private static void checkNotNewer(int version, int latest, Path path) {
        if (version > latest)
            throw new FormatException("feature store " + path + " has schema version " + version + " but this Loupe reads up to "
                    + latest + "; it was written by a newer Loupe, upgrade Loupe to open it");
    }

    /** Brings a read-write store to LATEST inside one immediate transaction; returns the version now. */
    static int migrate(Connection c, Path path) throws SQLException { return migrate(c, path, SCRIPTS); }

    /** As {@link #migrate(Connection, Path)} with an explicit script list (scripts.get(v - 1) creates version v). */
    static int migrate(Connection c, Path path, List<String> scripts) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("BEGIN IMMEDIATE");
            try {
                int v = version(c, path);      // re-read under the write lock: another process may have migrated
                checkNotNewer(v, scripts.size(), path);
                if (v == 0) {
                    s.executeUpdate("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
                    s.executeUpdate("PRAGMA application_id = " + APPLICATION_ID);
                }
                for (int next = v + 1; next <= scripts.size(); next++) {
                    s.executeUpdate(scripts.get(next - 1));
                    s.executeUpdate("INSERT INTO schema_version(version, applied_at) VALUES (" + next + ", '" + Instant.now() + "')");
                }
                s.executeUpdate("COMMIT");
                return scripts.size();
            } catch (SQLException | RuntimeException e) {
                try { s.executeUpdate("ROLLBACK"); } catch (SQLException ignored) { /* the failure below is the one to report */ }
                throw e;
            }
        }
    }

    private static int scalarInt(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getInt(1) : 0;
        }
    }
}
