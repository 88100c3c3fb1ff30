package io.switchgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A {@link ChannelFactory} whose channels behave like real files until a fault is armed: then every write (a full
 * disk) or every force (a failing disk) throws, as the operating system would. For tests, ours and an embedding
 * program's: hand it to {@code Gateway.start(config, clock, hosts, channels)} to see how the gateway (answers
 * {@code 96 JOURNAL_UNAVAILABLE}, {@code /health} 503 {@code JOURNAL_STOPPED}) and what watches it behave when the
 * journal's disk fails.
 */
public final class FaultyChannels implements ChannelFactory {
    public volatile boolean failWrites;
    public volatile boolean failForces;
    /** Creating a file fails (a full disk when a new segment is made). */
    public volatile boolean failCreates;
    /**
     * Called with the file's path after each force that succeeded: a test copies the file there to keep what a power
     * loss would leave of it (what was forced), and no more.
     */
    public volatile java.util.function.Consumer<Path> afterForce = p -> { };
    volatile int writes;
    volatile int forces;

    /** Forces tried so far (failed ones included). */
    public int forces() {
        return forces;
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        if (failCreates && java.util.Arrays.asList(options).contains(java.nio.file.StandardOpenOption.CREATE_NEW)) {
            throw new IOException("No space left on device");
        }
        return new Faulty(FileChannel.open(path, options), path);
    }

    private final class Faulty extends FileChannel {
        private final FileChannel real;
        private final Path path;

        Faulty(FileChannel real, Path path) {
            this.real = real;
            this.path = path;
        }

        private void checkWrite() throws IOException {
            writes++;
            if (failWrites) {
                throw new IOException("No space left on device");
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            checkWrite();
            return real.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            checkWrite();
            return real.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            checkWrite();
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            forces++;
            if (failForces) {
                throw new IOException("Input/output error");
            }
            real.force(metaData);
            afterForce.accept(path);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            checkWrite();
            return real.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            checkWrite();
            return real.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new UnsupportedOperationException("the journal does not map files");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
