package dev.enrich.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
 * steady 20 jobs a second with the most streams open. Stream clients ({@link SseClients}) are plain NIO sockets read by one thread; every
 * tenth is parsed for delays, the others are read and dropped.
 *
 * <p>Arguments: {@code baseUrl apiKey serverPid [jobs=300] [streamCounts=0,200,1000] [idleStreams=1000]}. Traffic
 * stays on the loopback address; every wait is bounded, so the run ends by itself.
 */
public final class StreamBench {

    private static final java.util.function.Predicate<String> TERMINAL =
            type -> type.equals("completed") || type.equals("partial") || type.equals("failed");
    private static final Duration TERMINAL_WAIT = Duration.ofSeconds(60);
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
            SseClients warm = open(200);
            System.out.printf(Locale.ROOT, "warm-up with 200 streams: %d jobs in %.2f s%n", jobs,
                    burst(session, jobs) / 1e9);
            warm.awaitTimed(jobs, TERMINAL_WAIT);
            warm.close();
        }
        idleCost(idle);
        System.out.println("streams | jobs | wall (s) | jobs/s | vs none | terminal event delay p50 / p99 / max (ms)"
                + " | delivered | server CPU (kernel part) / client CPU (s)");
        double none = 0;
        for (int n : counts) {
            SseClients clients = open(n);
            double serverCpu0 = serverCpu();
            double serverSys0 = serverSys;
            double clientCpu0 = clientCpu();
            long nanos = burst(session, jobs);
            boolean all = clients.awaitTimed(jobs, TERMINAL_WAIT);
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
                    n == 0 ? "-" : clients.events.get() + " events (" + clients.sampledCount() + " streams sampled), "
                            + (clients.bytes.get() >> 20) + " MB in " + clients.reads.get() + " reads, "
                            + delays.length + " ends"
                            + (all ? "" : " (MISSING some)"), serverCpu, kernel, clientCpu);
            clients.close();
        }
        int most = Arrays.stream(counts).max().orElse(0);
        if (most > 0) {
            SseClients fresh = open(most);
            steady(session, fresh, 20, 10);
            fresh.close();
        }
    }

    /** With the streams still open, submit {@code rate} jobs a second for {@code seconds}: publish-to-client delays. */
    private void steady(String session, SseClients clients, int rate, int seconds) throws InterruptedException {
        clients.delays();
        int jobs = rate * seconds;
        Flux.interval(Duration.ofMillis(1000 / rate)).take(jobs)
                .flatMap(i -> web.post().uri("/api/v1/sessions/{id}/enrichments", session)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"stages\":[\"audio\"]}")
                        .retrieve().toBodilessEntity())
                .blockLast(WAIT);
        boolean all = clients.awaitTimed(jobs, TERMINAL_WAIT);
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
        SseClients clients = open(n);
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

    private SseClients open(int n) throws IOException, InterruptedException {
        URI uri = URI.create(base);
        return new SseClients(n, new InetSocketAddress(uri.getHost(), uri.getPort()),
                SseClients.get(uri.getAuthority(), "/api/v1/events", "Authorization: Bearer " + key + "\r\n"),
                SAMPLE, TERMINAL).awaitOpen(WAIT);
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

    private static long pct(long[] sorted, int p) {
        return SseClients.percentile(sorted, p);
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
}
