package dev.enrich.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Hold {@code n} SSE stream connections read by one selector thread: count every event delivered on every stream,
 * and on every {@code sample}-th stream record the delay from the {@code at} of chosen events to their arrival.
 *
 * <p>Cheap on purpose, since the client shares the machine with the server: plain NIO, one read buffer, bytes scanned
 * for markers and never decoded whole. An event is a {@code data:} line (a newline followed by {@code d}: SSE field
 * lines are {@code id:}, {@code event:}, {@code data:}, {@code retry:} and comments start with {@code :}); on streams
 * not sampled that is all that is looked at. On sampled streams each frame whose {@code event:} name the
 * {@code timed} predicate accepts has its {@code "at":"<ISO instant>"} parsed. A frame cut between two reads is
 * carried. A stream counts as open once its {@code :stream open} comment arrived.
 */
final class SseClients implements AutoCloseable {

    private static final byte[] OPEN_MARK = ":stream open".getBytes(StandardCharsets.US_ASCII);

    final int n;
    final CountDownLatch opened;
    /** Events ({@code data:} lines) on all streams. */
    final AtomicLong events = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    /** Streams the server closed. */
    final AtomicLong closed = new AtomicLong();
    /** Timed events seen on sampled streams. */
    final AtomicLong timed = new AtomicLong();
    /** {@link System#nanoTime()} of the last read that brought an event. */
    volatile long lastEventNanos;
    private final int sample;
    private final Predicate<String> timedType;
    private final Selector selector;
    private final Thread reader;
    private final Object delayLock = new Object();
    private long[] delays = new long[1024];
    private int delayCount;
    private volatile boolean closing;

    /**
     * Connect {@code n} streams, write {@code request} on each, and start reading.
     *
     * @param sample every {@code sample}-th stream (from the first) is parsed for delays
     * @param timedType which event names ({@code event:} field) have their delay recorded on sampled streams
     */
    SseClients(int n, InetSocketAddress server, byte[] request, int sample, Predicate<String> timedType)
            throws IOException {
        this.n = n;
        this.sample = sample;
        this.timedType = timedType;
        this.opened = new CountDownLatch(n);
        this.selector = Selector.open();
        for (int i = 0; i < n; i++) {
            SocketChannel channel = SocketChannel.open(server);
            channel.write(ByteBuffer.wrap(request));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, new Conn(i % sample == 0));
        }
        reader = new Thread(this::readLoop, "sse-clients-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Return the HTTP/1.1 GET request of a stream, with the given extra header lines (each ending in CRLF). */
    static byte[] get(String authority, String path, String headers) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\n" + headers
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Wait until every stream got its opening comment; throw when they did not within {@code wait}. */
    SseClients awaitOpen(Duration wait) throws InterruptedException {
        if (!opened.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("streams did not open: " + opened.getCount() + " of " + n + " missing");
        }
        return this;
    }

    int sampledCount() {
        return (n + sample - 1) / sample;
    }

    /** Wait (at most {@code wait}) until the sampled streams saw {@code perStream} timed events each. */
    boolean awaitTimed(long perStream, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long expected = perStream * sampledCount();
        while (timed.get() < expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return timed.get() >= expected;
    }

    /** Return the delays recorded since the last call, in ms, sorted; and forget them. */
    long[] delays() {
        synchronized (delayLock) {
            long[] all = Arrays.copyOf(delays, delayCount);
            delayCount = 0;
            timed.set(0);
            Arrays.sort(all);
            return all;
        }
    }

    /** Return the {@code p}-th percentile of sorted values, -1 when there are none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
    }

    private void record(long millis) {
        synchronized (delayLock) {
            if (delayCount == delays.length) {
                delays = Arrays.copyOf(delays, delayCount * 2);
            }
            delays[delayCount++] = millis;
        }
    }

    private void readLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        try {
            while (!closing) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    buffer.clear();
                    int read = channel.read(buffer);
                    if (read < 0) {
                        key.cancel();
                        channel.close();
                        closed.incrementAndGet();
                    } else if (read > 0) {
                        ((Conn) key.attachment()).accept(buffer.array(), read);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            if (!closing) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        closing = true;
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }

    /** One connection's parsing state. */
    private final class Conn {
        final boolean sampled;
        byte[] carry = new byte[0];
        boolean open;
        boolean afterNewline;

        Conn(boolean sampled) {
            this.sampled = sampled;
        }

        void accept(byte[] chunk, int length) {
            reads.incrementAndGet();
            bytes.addAndGet(length);
            int count = 0;
            boolean newline = afterNewline;
            for (int i = 0; i < length; i++) {
                byte b = chunk[i];
                if (newline && b == 'd') {
                    count++;
                }
                newline = b == '\n';
            }
            afterNewline = newline;
            if (count > 0) {
                events.addAndGet(count);
                lastEventNanos = System.nanoTime();
            }
            if (open && !sampled) {
                return;
            }
            parse(chunk, length);
        }

        private void parse(byte[] chunk, int length) {
            long now = currentMicros();
            byte[] data = chunk;
            int size = length;
            if (carry.length > 0) {
                data = new byte[carry.length + length];
                System.arraycopy(carry, 0, data, 0, carry.length);
                System.arraycopy(chunk, 0, data, carry.length, length);
                size = data.length;
            }
            int end = lastFrameEnd(data, size);
            if (!open && indexOf(data, OPEN_MARK, end) >= 0) {
                open = true;
                opened.countDown();
            }
            if (sampled) {
                String text = new String(data, 0, end, StandardCharsets.ISO_8859_1);
                for (int i = text.indexOf("\nevent:"); i >= 0; i = text.indexOf("\nevent:", i + 7)) {
                    int eol = text.indexOf('\n', i + 7);
                    @Nullable String type = eol < 0 ? null : text.substring(i + 7, eol);
                    if (type != null && timedType.test(type)) {
                        int ts = text.indexOf("\"at\":\"", eol);
                        int close = ts < 0 ? -1 : text.indexOf('"', ts + 6);
                        if (close > 0) {
                            Instant when = Instant.parse(text.substring(ts + 6, close));
                            record((now - (when.getEpochSecond() * 1_000_000 + when.getNano() / 1000)) / 1000);
                            timed.incrementAndGet();
                        }
                    }
                }
            }
            carry = Arrays.copyOfRange(data, end, size);
        }
    }

    private static int lastFrameEnd(byte[] data, int size) {
        for (int i = size - 1; i > 0; i--) {
            if (data[i] == '\n' && data[i - 1] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private static int indexOf(byte[] data, byte[] needle, int to) {
        outer:
        for (int i = 0; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static long currentMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }
}
