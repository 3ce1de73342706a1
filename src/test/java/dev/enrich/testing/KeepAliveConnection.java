package dev.enrich.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Speak HTTP/1.1 over one persistent socket to 127.0.0.1, byte by byte, so tests and benchmarks control exactly
 * when each request goes out (one after another, or pipelined). A read that gets no byte within the timeout throws
 * {@link java.net.SocketTimeoutException}.
 */
public final class KeepAliveConnection implements Closeable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Connect to {@code 127.0.0.1:port}; reads wait at most {@code timeout} for each byte. */
    public KeepAliveConnection(int port, Duration timeout) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
    }

    /** Write GETs for {@code paths} back to back, in one flush, with the test API key. */
    public void get(String... paths) throws IOException {
        for (String path : paths) {
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + TestAuthAutoConfiguration.BEARER + "\r\nAccept: */*\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    /**
     * Read one whole response (status line, headers, a Content-Length or chunked body) and return its status code.
     *
     * @throws IOException when the server closes the connection or answers without a length
     */
    public int readResponse() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 response: " + status);
        }
        long length = -1;
        boolean chunked = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                skip(size);
                line();
            }
            line();
        } else if (length >= 0) {
            skip(length);
        } else {
            throw new IOException("a response without a length on a keep-alive connection");
        }
        return Integer.parseInt(status.substring(9, 12));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private long chunkSize() throws IOException {
        return Long.parseLong(line().split(";")[0].trim(), 16);
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            if (b != '\r') {
                buf.write(b);
            }
        }
        return buf.toString(StandardCharsets.US_ASCII);
    }

    private void skip(long n) throws IOException {
        for (long left = n; left > 0; ) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed mid-body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }
}
