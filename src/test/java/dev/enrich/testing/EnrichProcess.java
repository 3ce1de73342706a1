package dev.enrich.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * One Enrich replica as a JVM of its own ({@code dev.enrich.EnrichApplication} on the test classpath, so the test API
 * key of {@link TestAuthAutoConfiguration} signs requests in), for what only separate processes show: {@code kill -9}
 * in the middle of jobs, SIGTERM, two replicas on one Redis. Its output goes to {@code <dir>/<name>.log}, which
 * {@link #log()} returns for assertions and failure messages.
 */
public final class EnrichProcess implements AutoCloseable {

    private final String name;
    private final Path dir;
    private final List<String> command;
    private final Map<String, String> environment;
    private final int port;
    private Process process;

    private EnrichProcess(String name, Path dir, int port, List<String> command, Map<String, String> environment) {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.command = command;
        this.environment = environment;
    }

    /**
     * Start a replica named {@code name} with {@code properties} (as {@code --key=value} arguments) and wait until
     * its readiness probe answers 200.
     *
     * @param dir where its log goes (its working directory)
     */
    public static EnrichProcess start(String name, Path dir, Map<String, String> properties) {
        return start(name, dir, properties, Map.of());
    }

    /**
     * Start a replica as {@link #start(String, Path, Map)} does, with {@code environment} added to its environment
     * (e.g. {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs}, as an orchestrator would set it).
     */
    public static EnrichProcess start(String name, Path dir, Map<String, String> properties,
            Map<String, String> environment) {
        return start(name, dir, List.of("dev.enrich.EnrichApplication"), properties, environment);
    }

    /**
     * Start a replica as {@link #start(String, Path, Map, Map)} does, with another main class of the test classpath
     * (one that starts the service with stages of its own): {@code main} is the JVM's arguments from the main class
     * on, system properties first (e.g. {@code -Dkey=value}, then the class name).
     */
    public static EnrichProcess start(String name, Path dir, List<String> main, Map<String, String> properties,
            Map<String, String> environment) {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(main);
        command.addAll(List.of("--server.port=" + port, "--spring.main.banner-mode=off"));
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        EnrichProcess replica = new EnrichProcess(name, dir, port, command, Map.copyOf(environment));
        replica.launch();
        return replica;
    }

    /** Return its HTTP port (127.0.0.1). */
    public int port() {
        return port;
    }

    /** Return its OS process id. */
    public long pid() {
        return process.pid();
    }

    /** Return what it has logged so far. */
    public String log() {
        try {
            return Files.readString(logFile());
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Kill it as a crash would: SIGKILL, no shutdown hook, no drain. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** Stop it as an orchestrator would (SIGTERM: graceful drain) and wait for its exit; return its exit code. */
    public int terminate() {
        sigterm();
        return waitForExit();
    }

    /** Send it SIGTERM (an orchestrator's stop: graceful drain) and return at once; {@link #awaitExit()} waits. */
    public void sigterm() {
        process.destroy();
    }

    /** Return true while its process runs. */
    public boolean alive() {
        return process.isAlive();
    }

    /** Wait for its exit (at most 2 minutes, then kill it and fail); return its exit code. */
    public int awaitExit() {
        return waitForExit();
    }

    /** Start it again on the same port and settings (after {@link #kill()} or {@link #terminate()}). */
    public void restart() {
        launch();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private void launch() {
        try {
            Files.createDirectories(dir);
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start replica " + name, e);
        }
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await("replica " + name + " ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .failFast("replica " + name + " exited; its log:\n" + tail(), () -> !process.isAlive())
                .until(() -> {
                    try {
                        return http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    private int waitForExit() {
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("replica " + name + " did not exit; its log:\n" + tail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String tail() {
        String log = log();
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }

    private Path logFile() {
        return dir.resolve(name + ".log");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
