package io.switchgate.server.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The admin token when none is configured: generated on first start (256 random bits, hex), kept in
 * {@code <data directory>/admin.token} readable and writable by its owner only, and reused on later starts, so the
 * admin API never runs without a token. Only the file's path is ever logged, never the token.
 */
public final class AdminTokenFile {
    private static final Logger log = LoggerFactory.getLogger(AdminTokenFile.class);
    public static final String FILE_NAME = "admin.token";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminTokenFile() {
    }

    /**
     * The token in {@code dataDir/admin.token}, created first when absent or empty.
     *
     * @throws IllegalStateException (one line, naming the file) when it can be neither read nor created
     */
    public static String readOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
        try {
            if (Files.isRegularFile(file)) {
                String token = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!token.isEmpty()) {
                    restrict(file);
                    log.info("admin API token: read from {} (send it as Authorization: Bearer <token>)", file);
                    return token;
                }
            }
            String token = create(file);
            log.info("admin API token: generated in {} (owner read/write only; send it as Authorization: Bearer <token>)", file);
            return token;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new IllegalStateException("admin: cannot read or create the admin token file " + file + ": " + e, e);
        }
    }

    private static String create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        // Written to a private temporary file and moved into place: the token is never readable by others, not
        // even for an instant, and a crash never leaves a half-written file.
        Path tmp = posix(file)
                ? Files.createTempFile(file.getParent(), ".admin.token", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(file.getParent(), ".admin.token", ".tmp", new FileAttribute<?>[0]);
        try {
            Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return token;
    }

    /** A token file others can read is narrowed to its owner (with a warning): it grants full operator rights. */
    private static void restrict(Path file) throws IOException {
        if (!posix(file)) return;
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
            log.warn("admin API token file {} was readable by others ({}); narrowed to rw-------", file,
                    PosixFilePermissions.toString(perms));
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    private static boolean posix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
