// Clear one-line errors for files that are not stores, stores from a newer Loupe, locked stores,
// and writes through a read-only store.
package dev.loupe.store;

import dev.loupe.util.FormatException;
import dev.loupe.util.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.*;

class StoreErrorsTest {
    @TempDir Path dir;

    private static void assertOneLine(Exception e, String... parts) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }

    @Test
    void textFileIsNotASqliteDatabase() throws Exception {
        Path f = dir.resolve("notes.db");
        Files.writeString(f, "this is not a database, just some text that is long enough");
        assertOneLine(assertThrows(FormatException.class, () -> FeatureStore.open(f)), "notes.db", "not a SQLite database");
        assertOneLine(assertThrows(FormatException.class, () -> FeatureStore.openReadOnly(f)), "not a SQLite database");
    }

    @Test
    void foreignSqliteDatabaseIsNotALoupeStore() throws Exception {
        Path f = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE t(x)");
        }
        assertOneLine(assertThrows(FormatException.class, () -> FeatureStore.open(f)), "not a Loupe store");
    }

    @Test
    void storeOfANewerSchemaIsRefusedWithUpgradeAdvice() throws Exception {
        Path f = StoreFixtures.db(dir);
        try (FeatureStore s = FeatureStore.open(f); Statement st = s.connection().createStatement()) {
            st.executeUpdate("INSERT INTO schema_version(version, applied_at) VALUES (" + (Migrations.LATEST + 1) + ", 'future')");
        }
        assertOneLine(assertThrows(FormatException.class, () -> FeatureStore.open(f)),
                "schema version " + (Migrations.LATEST + 1), "newer Loupe", "upgrade");
        assertThrows(FormatException.class, () -> FeatureStore.openReadOnly(f));
    }

    @Test
    void missingAndEmptyFilesForReadOnly() throws Exception {
        assertOneLine(assertThrows(LoupeException.class, () -> FeatureStore.openReadOnly(dir.resolve("none.db"))), "does not exist");
        Path empty = Files.createFile(dir.resolve("empty.db"));
        assertOneLine(assertThrows(FormatException.class, () -> FeatureStore.openReadOnly(empty)), "not a Loupe store");
        assertOneLine(assertThrows(LoupeException.class, () -> FeatureStore.open(dir)), "is a directory");
        assertOneLine(assertThrows(LoupeException.class, () -> FeatureStore.open(dir.resolve("no/such/dir/x.db"))), "does not exist");
        try (FeatureStore s = FeatureStore.open(empty)) {   // an empty file is a fine place for a new store
            assertEquals(Migrations.LATEST, s.schemaVersion());
        }
    }

    @Test
    void lockedStoreReportsTheOtherWriter() throws Exception {
        Path f = StoreFixtures.db(dir);
        try (FeatureStore s = FeatureStore.open(f);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + f); Statement st = other.createStatement()) {
            st.executeUpdate("BEGIN IMMEDIATE");
            try (FeatureStore impatient = FeatureStore.open(f, false, 50)) {
                assertOneLine(assertThrows(LoupeException.class, () -> impatient.putModel(ModelInfo.of("m", null, null))), "locked", "retry");
            }
            st.executeUpdate("ROLLBACK");
            assertTrue(s.putModel(ModelInfo.of("m", null, null)) > 0);
        }
    }
}
