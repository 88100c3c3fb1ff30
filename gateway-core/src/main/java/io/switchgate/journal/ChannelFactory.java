package io.switchgate.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens the file channels the journal reads and writes through. The default opens real files; tests pass one that
 * wraps them to fail a write or a force the way a full or failing disk does.
 */
@FunctionalInterface
public interface ChannelFactory {
    ChannelFactory FILES = FileChannel::open;

    FileChannel open(Path path, OpenOption... options) throws IOException;
}
