package io.switchgate.server.terminal;

import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.SecurityModule;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the terminal simulator keeps the working keys a sign-on issued, like a real terminal does, so the next
 * run MACs and encrypts PINs with them: {@code <dir>/<terminal>.keys}, the keys in their stored form (encrypted
 * under the simulator's security module's master key, never in clear).
 */
public final class TerminalKeyStore {

    /** The working keys kept for a terminal. */
    public record Keys(KeyHandle tpk, KeyHandle tak) { }

    private final Path dir;

    public TerminalKeyStore(Path dir) {
        this.dir = dir;
    }

    public Path file(String terminalId) {
        return dir.resolve(terminalId + ".keys");
    }

    /** The kept keys, or null when there are none or they cannot be read under this security module. */
    public Keys load(String terminalId, SecurityModule sm) {
        Path f = file(terminalId);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.US_ASCII)) {
            p.load(r);
            return new Keys(sm.importStored(KeyType.TPK, p.getProperty("tpk")), sm.importStored(KeyType.TAK, p.getProperty("tak")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public void save(String terminalId, KeyHandle tpk, KeyHandle tak) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("tpk", tpk.toStoredForm());
        p.setProperty("tak", tak.toStoredForm());
        Path tmp = dir.resolve(terminalId + ".keys.tmp");
        Files.deleteIfExists(tmp);
        ownerOnly(tmp); // keys, even wrapped under the master key, are for their owner alone (as admin.token)
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            p.store(w, "working keys of terminal " + terminalId + " from its last sign-on (tpk kcv " + tpk.kcv()
                    + ", tak kcv " + tak.kcv() + "); delete to use the configured keys");
        }
        Files.move(tmp, file(terminalId), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Creates {@code f} empty and readable by its owner only, where the file system has POSIX permissions. */
    private static void ownerOnly(Path f) throws IOException {
        try {
            Files.createFile(f, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(f);
        }
    }

    public void delete(String terminalId) throws IOException {
        Files.deleteIfExists(file(terminalId));
    }
}
