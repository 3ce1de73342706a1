package dev.enrich.stage.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** Adapt a JDK seekable channel to jcodec's own channel interface, read-only. */
final class JcodecChannel implements org.jcodec.common.io.SeekableByteChannel {

    private final SeekableByteChannel delegate;

    JcodecChannel(SeekableByteChannel delegate) {
        this.delegate = delegate;
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public org.jcodec.common.io.SeekableByteChannel setPosition(long position) throws IOException {
        delegate.position(position);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public org.jcodec.common.io.SeekableByteChannel truncate(long size) throws IOException {
        throw new IOException("read-only channel");
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        throw new IOException("read-only channel");
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
