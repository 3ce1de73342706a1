package dev.enrich.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Measure what open event streams cost a running Enrich (started by {@code bench/streams.sh} as its own process):
 * the time for a burst of audio-only jobs with 0, 200 and 1,000 {@code /api/v1/events} streams open, the delay from
 * an event's creation ({@code at}) to its arrival at each stream client (terminal events), and the server's live heap
 * and RSS per idle stream (live heap from {@code jcmd GC.class_histogram}, which collects first), then the delay at a
 * steady 20 jobs a second with the most streams open. Stream clients are plain NIO sockets read by one thread; every
 * tenth is parsed for delays, the others are read and dropped.
 *
 * <p>Arguments: {@code baseUrl apiKey serverPid [jobs=300] [streamCounts=0,200,1000] [idleStreams=1000]}. Traffic
 * stays on the loopback address; every wait is bounded, so the run ends by itself.
 */
public final class StreamBench {

    private static final byte[] OPEN_MARK = ascii(":stream open");
    private static final Duration WAIT = Duration.ofMinutes(5);
    /** Every SAMPLE-th stream is parsed for delays; the others are read and dropped, to keep the client cheap. */
    private static final int SAMPLE = 10;

    private final String base;
    private final String key;
    private final long pid;
    private final WebClient web;

    private StreamBench(String base, String key, long pid) {
        this.base = base;
        this.key = key;
        this.pid = pid;
        ConnectionProvider pool = ConnectionProvider.builder("bench").maxConnections(64).build();
        this.web = WebClient.builder().baseUrl(base)
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(16 << 20)).build();
    }

    /** Run the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int jobs = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        int[] counts = args.length > 4 ? Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {0, 200, 1000};
        int idle = args.length > 5 ? Integer.parseInt(args[5]) : 1000;
        StreamBench bench = new StreamBench(args[0], args[1], Long.parseLong(args[2]));
        bench.run(jobs, counts, idle);
        System.exit(0);
    }

    private void run(int jobs, int[] counts, int idle) throws Exception {
        String session = upload();
        System.out.printf(Locale.ROOT, "warm-up: %d jobs in %.2f s%n", jobs, burst(session, jobs) / 1e9);
        // The stream path is compiled by the JIT before anything is measured, as in a server that has been up a while.
        for (int i = 0; i < 2; i++) {
            Clients warm = open(200);
            System.out.printf(Locale.ROOT, "warm-up with 200 streams: %d jobs in %.2f s%n", jobs,
                    burst(session, jobs) / 1e9);
            warm.awaitTerminals(jobs);
            warm.close();
        }
        idleCost(idle);
        System.out.println("streams | jobs | wall (s) | jobs/s | vs none | terminal event delay p50 / p99 / max (ms)"
                + " | delivered | server CPU (kernel part) / client CPU (s)");
        double none = 0;
        for (int n : counts) {
            Clients clients = open(n);
            double serverCpu0 = serverCpu();
            double serverSys0 = serverSys;
            double clientCpu0 = clientCpu();
            long nanos = burst(session, jobs);
            boolean all = clients.awaitTerminals(jobs);
            double serverCpu = serverCpu() - serverCpu0;
            double kernel = serverSys - serverSys0;
            double clientCpu = clientCpu() - clientCpu0;
            double seconds = nanos / 1e9;
            if (n == 0) {
                none = seconds;
            }
            long[] delays = clients.delays();
            System.out.printf(Locale.ROOT, "%7d | %4d | %8.2f | %6.1f | %6.2fx | %s | %s | %.1f (%.1f) / %.1f%n", n, jobs,
                    seconds,
                    jobs / seconds, none == 0 ? 1.0 : seconds / none,
                    delays.length == 0 ? "-" : String.format(Locale.ROOT, "%d / %d / %d",
                            pct(delays, 50), pct(delays, 99), delays[delays.length - 1]),
                    n == 0 ? "-" : clients.frames.get() + " events on " + clients.sampledCount() + " sampled, "
                            + (clients.bytes.get() >> 20) + " MB in " + clients.reads.get() + " reads, "
                            + delays.length + " ends"
                            + (all ? "" : " (MISSING some)"), serverCpu, kernel, clientCpu);
            clients.close();
        }
        int most = Arrays.stream(counts).max().orElse(0);
        if (most > 0) {
            Clients fresh = open(most);
            steady(session, fresh, 20, 10);
            fresh.close();
        }
    }

    /** With the streams still open, submit {@code rate} jobs a second for {@code seconds}: publish-to-client delays. */
    private void steady(String session, Clients clients, int rate, int seconds) throws InterruptedException {
        clients.delays();
        int jobs = rate * seconds;
        Flux.interval(Duration.ofMillis(1000 / rate)).take(jobs)
                .flatMap(i -> web.post().uri("/api/v1/sessions/{id}/enrichments", session)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"stages\":[\"audio\"]}")
                        .retrieve().toBodilessEntity())
                .blockLast(WAIT);
        boolean all = clients.awaitTerminals(jobs);
        long[] delays = clients.delays();
        System.out.printf(Locale.ROOT, "steady %d jobs/s for %d s with %d streams: terminal event delay p50 / p99 / max"
                        + " %d / %d / %d ms over %d deliveries%s%n", rate, seconds, clients.n, pct(delays, 50),
                pct(delays, 99), delays[delays.length - 1], delays.length, all ? "" : " (MISSING some)");
        // (deliveries counted on the sampled streams)
    }

    /** Report the server's live heap and RSS per idle stream: measured with 0 and with {@code n} streams open. */
    private void idleCost(int n) throws Exception {
        Path dir = Path.of("target");
        Files.createDirectories(dir);
        String before = jcmd("GC.class_histogram");
        Files.writeString(dir.resolve("stream-bench-histogram-0.txt"), before);
        long heap0 = liveHeap(before);
        long rss0 = rss();
        Clients clients = open(n);
        String after = jcmd("GC.class_histogram");
        String dump = System.getenv("BENCH_JFR_DUMP");
        if (dump != null) {
            // With the server started under a flight recording: its old-object samples, with the streams open.
            System.out.println(jcmd("JFR.dump filename=" + dump));
        }
        Files.writeString(dir.resolve("stream-bench-histogram-" + n + ".txt"), after);
        long heap1 = liveHeap(after);
        long rss1 = rss();
        System.out.printf(Locale.ROOT, "idle streams: %d | live heap %.1f -> %.1f MB = %.1f KB per stream"
                        + " | RSS %.1f -> %.1f MB = %.1f KB per stream%n", n, heap0 / 1e6, heap1 / 1e6,
                (heap1 - heap0) / 1024.0 / n, rss0 / 1e6, rss1 / 1e6, (rss1 - rss0) / 1024.0 / n);
        System.out.println("class histograms: target/stream-bench-histogram-{0," + n + "}.txt");
        clients.close();
    }

    private String upload() {
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        parts.part("metadata", "{\"title\":\"Bench\",\"notes\":\"Stream bench.\"}", MediaType.APPLICATION_JSON);
        parts.part("audio", wav()).filename("a.wav").contentType(MediaType.parseMediaType("audio/wav"));
        String body = web.post().uri("/api/v1/sessions").body(BodyInserters.fromMultipartData(parts.build()))
                .retrieve().bodyToMono(String.class).block(WAIT);
        Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no session id in " + body);
        }
        return m.group(1);
    }

    /** Submit {@code jobs} audio-only enrichments (32 in flight) and wait until the pool is idle; return nanos. */
    private long burst(String session, int jobs) throws InterruptedException {
        long start = System.nanoTime();
        Flux.range(0, jobs)
                .flatMap(i -> web.post().uri("/api/v1/sessions/{id}/enrichments", session)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"stages\":[\"audio\"]}")
                        .retrieve().toBodilessEntity(), 32)
                .blockLast(WAIT);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String pool = web.get().uri("/api/v1/pool").retrieve().bodyToMono(String.class).block(WAIT);
            if (pool.contains("\"busy\":0,") && pool.contains("\"queued\":0,")) {
                return System.nanoTime() - start;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new IllegalStateException("jobs did not finish within " + WAIT);
    }

    private Clients open(int n) throws IOException, InterruptedException {
        URI uri = URI.create(base);
        Clients clients = new Clients(n, new InetSocketAddress(uri.getHost(), uri.getPort()),
                ("GET /api/v1/events HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\nAuthorization: Bearer " + key
                        + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        if (!clients.opened.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("streams did not open: " + clients.opened.getCount() + " missing");
        }
        return clients;
    }

    private static long liveHeap(String histogram) {
        String[] lines = histogram.strip().split("\n");
        String[] total = lines[lines.length - 1].trim().split("\\s+");
        return Long.parseLong(total[2]);
    }

    /** System (kernel) part of the last {@link #serverCpu()} reading. */
    private double serverSys;

    /** Return the server's CPU time so far in seconds (user + system, from /proc; clock ticks of 10 ms). */
    private double serverCpu() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        serverSys = Long.parseLong(fields[12]) / 100.0;
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    private static double clientCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** 8 kHz mono 16-bit PCM ({@code -Dbench.audioSeconds}, default 1 s): a tone, so the audio stage finds speech. */
    private static byte[] wav() {
        int rate = 8000;
        int samples = rate * Integer.getInteger("bench.audioSeconds", 1);
        ByteBuffer pcm = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) {
            pcm.putShort((short) (8000 * Math.sin(2 * Math.PI * 220 * i / rate)));
        }
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + pcm.capacity())
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(pcm.capacity());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(pcm.array());
        return out.toByteArray();
    }

    /**
     * Hold {@code n} stream connections read by one selector thread; count terminal events and record their delays.
     * Cheap on purpose, since the client shares the machine with the server: plain NIO, bytes scanned for markers,
     * never decoded whole, and only a terminal frame's {@code at} parsed. A frame cut between two reads is carried.
     */
    private static final class Clients {
        final CountDownLatch opened;
        final ConcurrentLinkedQueue<long[]> delays = new ConcurrentLinkedQueue<>();
        final AtomicInteger terminals = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong frames = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        final int n;
        final Selector selector;
        final Thread reader;
        volatile boolean closing;

        Clients(int n, InetSocketAddress server, byte[] request) throws IOException {
            this.n = n;
            this.opened = new CountDownLatch(n);
            this.selector = Selector.open();
            for (int i = 0; i < n; i++) {
                SocketChannel channel = SocketChannel.open(server);
                channel.write(ByteBuffer.wrap(request));
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ, new Conn(i % SAMPLE == 0));
            }
            reader = new Thread(this::readLoop, "stream-bench-reader");
            reader.setDaemon(true);
            reader.start();
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
                        } else if (read > 0) {
                            ((Conn) key.attachment()).accept(buffer.array(), read);
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                if (!closing) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        /** One connection's parsing state. */
        final class Conn {
            final boolean sampled;
            byte[] carry = new byte[0];
            boolean open;

            Conn(boolean sampled) {
                this.sampled = sampled;
            }

            void accept(byte[] chunk, int length) {
                reads.incrementAndGet();
                bytes.addAndGet(length);
                if (open && !sampled) {
                    return; // read and dropped: the server writes to it all the same
                }
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
                if (!open && indexOf(data, OPEN_MARK, 0, end) >= 0) {
                    open = true;
                    opened.countDown();
                }
                // One pass with the JDK's vectorised indexOf: every "\nevent:" is a frame; only terminal ones are
                // looked at further.
                String text = new String(data, 0, end, StandardCharsets.ISO_8859_1);
                for (int i = text.indexOf("\nevent:"); i >= 0; i = text.indexOf("\nevent:", i + 7)) {
                    frames.incrementAndGet();
                    if (text.startsWith("completed\n", i + 7) || text.startsWith("partial\n", i + 7)
                            || text.startsWith("failed\n", i + 7)) {
                        int ts = text.indexOf("\"at\":\"", i);
                        int close = ts < 0 ? -1 : text.indexOf('"', ts + 6);
                        if (close > 0) {
                            Instant when = Instant.parse(text.substring(ts + 6, close));
                            long micros = when.getEpochSecond() * 1_000_000 + when.getNano() / 1000;
                            delays.add(new long[] {(now - micros) / 1000});
                            terminals.incrementAndGet();
                        }
                    }
                }
                carry = java.util.Arrays.copyOfRange(data, end, size);
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

        private static int indexOf(byte[] data, byte[] needle, int from, int to) {
            outer:
            for (int i = from; i <= to - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (data[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        boolean awaitTerminals(int jobs) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long expected = (long) jobs * sampledCount();
            while (terminals.get() < expected && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            return terminals.get() >= expected;
        }

        int sampledCount() {
            return (n + SAMPLE - 1) / SAMPLE;
        }

        long[] delays() {
            long[] all = delays.stream().mapToLong(d -> d[0]).sorted().toArray();
            delays.clear();
            terminals.set(0);
            return all;
        }

        void close() throws IOException, InterruptedException {
            closing = true;
            reader.join();
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        }

        private static long currentMicros() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
        }
    }
}
