package dev.enrich.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Load an SSE server (Enrich or a baseline) from a process of its own, for {@code bench/sse-connections.sh} and
 * {@code bench/sse-deliveries.sh}; streams are {@link SseClients} (NIO, one reader thread per batch of streams).
 *
 * <p>{@code connections base path header pid counts}: after a warm-up (500 streams opened and closed), the server's
 * RSS ({@code VmRSS}) with no stream, then with each count of streams held (opened in increments), each read once
 * settled and again after a full collection ({@code jcmd GC.run}). Prints {@code RESULT conn} lines.
 *
 * <p>{@code deliveries base path header pid counts publishPath latencyRate latencySeconds offered tputSeconds}: for
 * each count of subscribers, a warm-up, then (1) latency: {@code latencyRate} events a second for
 * {@code latencySeconds}, the delay from each event's {@code at} to its arrival on every tenth stream, and the share
 * of the expected deliveries that arrived; (2) throughput: {@code offered / count} events a second for
 * {@code tputSeconds}, deliveries counted on every stream from the first publication until none came for a second,
 * over that time. The server publishes ({@code POST publishPath?rate=&seconds=}), each with its own pacing loop.
 * Prints {@code RESULT deliveries} lines. {@code header} is an extra request header line, or {@code -}.
 */
public final class SseLoad {

    private static final Duration OPEN_WAIT = Duration.ofMinutes(2);
    private static final int SAMPLE = 10;

    private final URI base;
    private final String path;
    private final String header;
    private final long pid;
    private final List<SseClients> held = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    private SseLoad(String base, String path, String header, long pid) {
        this.base = URI.create(base);
        this.path = path;
        this.header = header.equals("-") ? "" : header + "\r\n";
        this.pid = pid;
    }

    /** Run; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        SseLoad load = new SseLoad(args[1], args[2], args[3], Long.parseLong(args[4]));
        int[] counts = Arrays.stream(args[5].split(",")).mapToInt(Integer::parseInt).toArray();
        if (args[0].equals("connections")) {
            load.connections(counts);
        } else {
            load.deliveries(counts, args[6], Integer.parseInt(args[7]), Double.parseDouble(args[8]),
                    Long.parseLong(args[9]), Double.parseDouble(args[10]));
        }
        System.exit(0);
    }

    private void connections(int[] counts) throws Exception {
        try (SseClients warm = open(500)) {
            TimeUnit.SECONDS.sleep(1);
        }
        TimeUnit.SECONDS.sleep(2);
        long raw0 = rss();
        long gc0 = rssAfterGc();
        System.out.printf(Locale.ROOT, "RESULT conn n=0 raw=%d gc=%d%n", raw0, gc0);
        for (int n : counts) {
            grow(n);
            TimeUnit.SECONDS.sleep(2);
            long raw = rss();
            long gc = rssAfterGc();
            long closed = held.stream().mapToLong(c -> c.closed.get()).sum();
            System.out.printf(Locale.ROOT, "RESULT conn n=%d raw=%d gc=%d closed=%d raw_per=%.0f gc_per=%.0f%n", n, raw,
                    gc, closed, (raw - raw0) / (double) n, (gc - gc0) / (double) n);
        }
    }

    private void deliveries(int[] counts, String publishPath, int latencyRate, double latencySeconds, long offered,
            double tputSeconds) throws Exception {
        for (int n : counts) {
            grow(n);
            // Warm-up: every sampled stream has had 20 events (the path is compiled), then the servers are idle.
            reset();
            publish(publishPath, 10, 2);
            awaitTimed(20, Duration.ofSeconds(60));
            quiet(Duration.ofSeconds(1), Duration.ofSeconds(10));
            reset();
            publish(publishPath, latencyRate, latencySeconds);
            long expected = Math.round(latencyRate * latencySeconds);
            TimeUnit.MILLISECONDS.sleep((long) (latencySeconds * 1000));
            awaitTimed(expected, Duration.ofSeconds(30));
            quiet(Duration.ofMillis(500), Duration.ofSeconds(10));
            long[] latency = delays();
            double arrived = events() / (double) (expected * n);
            reset();
            int rate = (int) Math.max(1, offered / n);
            double cpu0 = serverCpu();
            long start = System.nanoTime();
            publish(publishPath, rate, tputSeconds);
            TimeUnit.MILLISECONDS.sleep((long) (tputSeconds * 1000));
            quiet(Duration.ofSeconds(1), Duration.ofSeconds(30));
            long last = held.stream().mapToLong(c -> c.lastEventNanos).max().orElse(start);
            double cpu = serverCpu() - cpu0;
            long delivered = events();
            double seconds = (last - start) / 1e9;
            long[] tputLatency = delays();
            long closed = held.stream().mapToLong(c -> c.closed.get()).sum();
            System.out.printf(Locale.ROOT, "RESULT deliveries n=%d lat_rate=%d lat_p50=%d lat_p99=%d lat_max=%d"
                            + " lat_arrived=%.4f tput_rate=%d tput=%.0f tput_seconds=%.2f tput_p50=%d tput_p99=%d"
                            + " server_cpu=%.2f closed=%d%n", n, latencyRate, SseClients.percentile(latency, 50),
                    SseClients.percentile(latency, 99), SseClients.percentile(latency, 100), arrived, rate,
                    delivered / seconds, seconds, SseClients.percentile(tputLatency, 50),
                    SseClients.percentile(tputLatency, 99), cpu, closed);
        }
    }

    /** Open streams until {@code n} are held, in one more batch. */
    private void grow(int n) throws IOException, InterruptedException {
        int have = held.stream().mapToInt(c -> c.n).sum();
        if (n > have) {
            held.add(open(n - have));
        }
    }

    private SseClients open(int n) throws IOException, InterruptedException {
        return new SseClients(n, new InetSocketAddress(base.getHost(), base.getPort()),
                SseClients.get(base.getAuthority(), path, header), SAMPLE, type -> type.equals("stage"))
                .awaitOpen(OPEN_WAIT);
    }

    private void publish(String publishPath, int rate, double seconds) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(publishPath + "?rate=" + rate + "&seconds="
                + seconds)).POST(HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("publish answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** Wait until no event arrived for {@code quiet}, at most {@code most}. */
    private void quiet(Duration quiet, Duration most) throws InterruptedException {
        long deadline = System.nanoTime() + most.toNanos();
        while (System.nanoTime() < deadline) {
            long last = held.stream().mapToLong(c -> c.lastEventNanos).max().orElse(0);
            if (System.nanoTime() - last > quiet.toNanos()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private void awaitTimed(long perStream, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (SseClients c : held) {
            c.awaitTimed(perStream, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    private void reset() {
        for (SseClients c : held) {
            c.events.set(0);
            c.delays();
        }
    }

    private long events() {
        return held.stream().mapToLong(c -> c.events.get()).sum();
    }

    private long[] delays() {
        return held.stream().flatMapToLong(c -> Arrays.stream(c.delays())).sorted().toArray();
    }

    private long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private long rssAfterGc() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(2, TimeUnit.MINUTES);
        TimeUnit.SECONDS.sleep(1);
        return rss();
    }

    /** Return the server's CPU time so far in seconds (user + system, from /proc). */
    private double serverCpu() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }
}
