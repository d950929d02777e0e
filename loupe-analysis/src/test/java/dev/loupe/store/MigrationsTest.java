// Forward-only migrations with an explicit script list: a version-1 store is upgraded by applying
// only the missing script inside one transaction, a failing script leaves the store at its old
// version, and code that knows fewer versions refuses the upgraded store.
package dev.loupe.store;

import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MigrationsTest {
    @TempDir Path dir;

    private static final String V1 = "CREATE TABLE a (x INTEGER);";
    private static final String V2 = "ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z INTEGER);";

    @Test
    void upgradesForwardAppliesEachScriptOnceAndRefusesNewer() throws Exception {
        Path db = dir.resolve("m.db");
        try (Connection c = StoreFiles.connect(db, false, 1000)) {
            assertEquals(0, Migrations.version(c, db));
            assertEquals(1, Migrations.migrate(c, db, List.of(V1)));
            assertEquals(1, Migrations.version(c, db));
        }
        try (Connection c = StoreFiles.connect(db, false, 1000)) {
            assertEquals(2, Migrations.migrate(c, db, List.of(V1, V2)));   // V1 is not re-run (it would fail: table a exists)
            assertEquals(2, Migrations.version(c, db));
            c.createStatement().executeUpdate("INSERT INTO a(x, y) VALUES (1, 'two')");
            assertEquals(2, Migrations.migrate(c, db, List.of(V1, V2)));   // idempotent
            FormatException e = assertThrows(FormatException.class, () -> Migrations.migrate(c, db, List.of(V1)));
            assertTrue(e.getMessage().contains("schema version 2") && e.getMessage().contains("newer Loupe"), e.getMessage());
        }
    }

    @Test
    void failingScriptRollsBackToThePreviousVersion() throws Exception {
        Path db = dir.resolve("m.db");
        try (Connection c = StoreFiles.connect(db, false, 1000)) {
            Migrations.migrate(c, db, List.of(V1));
            assertThrows(SQLException.class, () -> Migrations.migrate(c, db, List.of(V1, "CREATE TABLE c (q); CREATE TABLE a (x);")));
            assertEquals(1, Migrations.version(c, db));
            assertEquals(0, c.createStatement().executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'c'").getInt(1), "partial script rolled back");
        }
    }
}
