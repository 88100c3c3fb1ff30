package io.switchgate.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which boot of the operating system this process runs in (Linux: {@code /proc/sys/kernel/random/boot_id}, new at
 * every boot). A file written without a force is whole for every later reader of the same boot, even after the writing
 * process was killed: the operating system still holds its pages. Only a crash of the system or a power loss can
 * take them, and after either the boot id differs. So a save that was not forced counts at a start in the same boot,
 * and never in another.
 */
public final class BootId {
    static final Path LINUX = Path.of("/proc/sys/kernel/random/boot_id");
    private static final Optional<String> CURRENT = read(LINUX);

    private BootId() {
    }

    /** This boot's id; empty where the system does not say (then an unforced save counts for nothing). */
    public static Optional<String> current() {
        return CURRENT;
    }

    static Optional<String> read(Path file) {
        try {
            String id = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
            return id.isEmpty() || id.length() > 64 ? Optional.empty() : Optional.of(id);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
