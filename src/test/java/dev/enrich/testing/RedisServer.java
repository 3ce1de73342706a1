package dev.enrich.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, as its own process, for the Redis backend's
 * tests. Started with no RDB snapshots and, when asked, AOF on in its own directory with {@code appendfsync always}
 * (production's {@code everysec} may lose the last second; a test wants every acknowledged write on disk), so a
 * restart on the same directory shows what survives. {@link #kill()}, {@link #pause()} and {@link #resume()} are the failures the tests
 * inject. Where redis-server is missing the test fails on CI ({@code CI} or {@code ENRICH_REDIS_TESTS=required})
 * and is skipped loudly elsewhere.
 */
public final class RedisServer implements AutoCloseable {

    private static final String BINARY = "/usr/bin/redis-server";

    private final Path dir;
    private final boolean appendOnly;
    private final int port;
    private Process process;

    private RedisServer(Path dir, boolean appendOnly, int port) {
        this.dir = dir;
        this.appendOnly = appendOnly;
        this.port = port;
    }

    /** Start a server keeping its files (AOF when {@code appendOnly}) in {@code dir}; wait until it answers PING. */
    public static RedisServer start(Path dir, boolean appendOnly) {
        RequiredTool.assume(Files.isExecutable(Path.of(BINARY)), "redis-server", "sudo apt-get install -y redis-server",
                "Redis backend tests", RequiredTool.onCi() || "required".equals(System.getenv("ENRICH_REDIS_TESTS")),
                "CI or ENRICH_REDIS_TESTS=required");
        RedisServer server = new RedisServer(dir, appendOnly, freePort());
        server.launch();
        return server;
    }

    /** Return the port it listens on (127.0.0.1 only). */
    public int port() {
        return port;
    }

    /** Return {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * Return a started Lettuce connection factory for this server (the application's client library); the caller
     * destroys it. Lettuce reconnects by itself after {@link #restart()}.
     */
    public LettuceConnectionFactory connect() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", port));
        // Connect at start, as the service warms its connection at startup: the first calls made in parallel would
        // otherwise park on the factory's lock while one of them connects (BlockHound caught it on an event loop).
        factory.setEagerInitialization(true);
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /** Stop it hard (SIGKILL), as a crash would; {@link #restart()} starts it again on the same files. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Start it again on the same port and directory (after {@link #kill()} or {@link #close()}). */
    public void restart() {
        if (process.isAlive()) {
            kill();
        }
        launch();
    }

    /** Freeze it (SIGSTOP): connections stay open and nothing answers, like a hung server. */
    public void pause() {
        signal("STOP");
    }

    /** Thaw it after {@link #pause()} (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    /** Point a whole-service test context at this server, with its media in {@code mediaDir}. */
    public void register(DynamicPropertyRegistry registry, Path mediaDir) {
        registry.add("spring.data.redis.host", () -> "127.0.0.1");
        registry.add("spring.data.redis.port", this::port);
        registry.add("enrich.media.dir", mediaDir::toString);
    }

    /** Send a command (inline protocol) and return the first line of its reply, e.g. {@code +PONG}. */
    public String command(String command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        } catch (IOException e) {
            return "-" + e.getMessage();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            resume(); // a paused server would not stop
            process.destroy();
            waitFor();
        }
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(BINARY, "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--dir", dir.toString(), "--daemonize", "no",
                "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", "always", "--protected-mode", "yes"));
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + BINARY, e);
        }
        Awaitility.await("redis-server answering PING on port " + port).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20)).until(() -> command("PING").equals("+PONG"));
    }

    private void signal(String name) {
        try {
            new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("could not signal redis-server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitFor() {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
