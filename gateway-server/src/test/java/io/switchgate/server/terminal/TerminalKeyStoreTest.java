package io.switchgate.server.terminal;

import io.switchgate.security.KeyType;
import io.switchgate.security.SoftwareSecurityModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** The simulator's kept working keys: read back as saved, and readable by their owner only (an audit found rw-r--r--). */
class TerminalKeyStoreTest {
    @TempDir
    Path dir;

    @Test
    void keysAreKeptForTheOwnerAloneAndReadBack() throws Exception {
        var sm = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");
        var tpk = sm.importClear(KeyType.TPK, HexFormat.of().parseHex("0123456789ABCDEF0123456789ABCDEF"));
        var tak = sm.importClear(KeyType.TAK, HexFormat.of().parseHex("BAD09770CBA42FEFAB327F86C7F49883"));
        TerminalKeyStore store = new TerminalKeyStore(dir);
        store.save("TERM0001", tpk, tak);
        store.save("TERM0001", tpk, tak); // again, over the first
        Path f = store.file("TERM0001");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        var keys = store.load("TERM0001", sm);
        assertNotNull(keys);
        assertEquals(tak.kcv(), keys.tak().kcv());
        assertEquals(tpk.kcv(), keys.tpk().kcv());
    }
}
