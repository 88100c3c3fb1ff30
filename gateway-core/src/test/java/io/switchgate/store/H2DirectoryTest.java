package io.switchgate.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The directory an H2 file store makes for itself is its owner's only (its files are world-readable under the usual umask). */
class H2DirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void aNewStoreDirectoryIsItsOwnersOnly() {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path dir = tmp.resolve("a").resolve("data");
        try (JdbcTransactionStore store = JdbcTransactionStore.open("jdbc:h2:file:" + dir.resolve("gateway"), "sa", "")) {
            store.migrate();
        }
        assertTrue(Files.exists(dir.resolve("gateway.mv.db")));
        assertPerms("rwx------", dir);
    }

    /** One that exists is left as the operator made it. */
    @Test
    void anExistingDirectoryIsLeftAsItIs() throws Exception {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path dir = Files.createDirectory(tmp.resolve("kept"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        JdbcTransactionStore.createDirectoryOwnerOnly("jdbc:h2:file:" + dir.resolve("gateway"));
        assertPerms("rwxr-x---", dir);
    }

    private static void assertPerms(String expected, Path dir) {
        try {
            assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
