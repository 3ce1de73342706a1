package dev.enrich.backend.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Read a stored object at any position through ranged GETs, keeping one window of at most {@code readAhead} bytes:
 * a decoder that jumps to an index at the end of a file fetches that window, not the file. Blocking; not thread-safe
 * (a channel serves one reader).
 */
final class RangedObjectChannel implements SeekableByteChannel {

    private final S3AsyncClient s3;
    private final String bucket;
    private final String key;
    private final long size;
    private final int readAhead;
    private byte[] window = new byte[0];
    private long windowStart;
    private long position;
    private boolean open = true;

    RangedObjectChannel(S3AsyncClient s3, String bucket, String key, long size, int readAhead) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.size = size;
        this.readAhead = readAhead;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        int read = 0;
        while (dst.hasRemaining() && position < size) {
            if (position < windowStart || position >= windowStart + window.length) {
                fetch(position);
            }
            int offset = (int) (position - windowStart);
            int n = Math.min(dst.remaining(), window.length - offset);
            dst.put(window, offset, n);
            position += n;
            read += n;
        }
        return read;
    }

    private void fetch(long from) throws IOException {
        long to = Math.min(size, from + readAhead) - 1;
        window = S3Calls.await(s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + from + "-" + to),
                AsyncResponseTransformer.toBytes()), key).asByteArrayUnsafe();
        windowStart = from;
        if (window.length == 0) {
            throw new IOException("object " + key + " ended at " + from + " of " + size + " bytes");
        }
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("position must be >= 0, but was " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        window = new byte[0];
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
