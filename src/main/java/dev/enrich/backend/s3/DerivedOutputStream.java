package dev.enrich.backend.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Collect a small derived file in memory, up to a limit, and hand it on whole when the stream closes. */
final class DerivedOutputStream extends OutputStream {

    /** Store the finished file. */
    @FunctionalInterface
    interface Sink {
        void accept(byte[] bytes) throws IOException;
    }

    private final String name;
    private final int limit;
    private final Sink sink;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean closed;
    private boolean failed;

    DerivedOutputStream(String name, int limit, Sink sink) {
        this.name = name;
        this.limit = limit;
        this.sink = sink;
    }

    @Override
    public void write(int b) throws IOException {
        room(1);
        bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        room(len);
        bytes.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            if (!failed) { // a file cut short by a failed write is not stored
                sink.accept(bytes.toByteArray());
            }
        }
    }

    private void room(int len) throws IOException {
        if (closed) {
            throw new IOException("derived file " + name + " is closed");
        }
        if (bytes.size() + (long) len > limit) {
            failed = true;
            throw new IOException("derived file " + name + " exceeds " + limit + " bytes");
        }
    }
}
