package dev.enrich.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.Fixtures;
import dev.enrich.testing.RequiredTool;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image Jib built ({@code target/enrich-image.tar}, profile {@code image}) runs as the single overlay's pod
 * would run it, with no container runtime: its layers unpacked into a directory, entered the way its config says
 * (entrypoint, environment, user, working directory) in new mount and PID namespaces, with the root file system
 * read-only and tmpfs at {@code /tmp} and the media directory, as the pod's emptyDir and volume. It must start as
 * PID 1 with the overlay's environment (prod profile, JSON logs), answer its probes and serve the API, and stop on
 * SIGTERM. Runs in the {@code integration-test} phase after the image is built; needs root and util-linux's
 * {@code unshare} (fails on CI or with {@code ENRICH_IMAGE_TESTS=required}, skipped elsewhere). The process's output
 * is kept in {@code target/image-it.log}.
 */
class ImageIT {

    private static final Path IMAGE = Path.of("target/enrich-image.tar");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theImageStartsAsNonRootOnAReadOnlyRootServesItsProbesAndStopsOnSigterm(@TempDir Path dir)
            throws Exception {
        boolean runnable = Files.exists(IMAGE) && "root".equals(System.getProperty("user.name"))
                && Files.isExecutable(Path.of("/usr/bin/unshare"));
        RequiredTool.assume(runnable, "the image tarball, root or unshare",
                "./mvnw -Pimage verify, as root on Linux", "ImageIT",
                RequiredTool.onCi() || "required".equals(System.getenv("ENRICH_IMAGE_TESTS")),
                "CI or ENRICH_IMAGE_TESTS=required");
        JibSettings jib = JibSettings.fromPom();
        Path oci = Files.createDirectories(dir.resolve("oci"));
        run("tar", "-xf", IMAGE.toString(), "-C", oci.toString());
        JsonNode index = JSON.readTree(oci.resolve("index.json").toFile()).path("manifests").get(0);
        JsonNode manifest = JSON.readTree(blob(oci, index.path("digest").asString()).toFile());
        JsonNode config = JSON.readTree(blob(oci, manifest.path("config").path("digest").asString()).toFile())
                .path("config");

        assertThat(index.path("annotations").path("org.opencontainers.image.ref.name").asString())
                .isEqualTo(jib.image());
        assertThat(config.path("User").asString()).isEqualTo(jib.user()).doesNotStartWith("0");
        assertThat(config.path("ExposedPorts").propertyNames()).containsExactly(jib.ports().get(0) + "/tcp");

        Path root = Files.createDirectories(dir.resolve("rootfs"));
        for (JsonNode layer : manifest.path("layers")) {
            run("tar", "-xzf", blob(oci, layer.path("digest").asString()).toString(), "-C", root.toString());
        }
        Manifests single = Manifests.overlay("single");
        String mediaDir = AppSettings.of(single).get("enrich.media.dir", String.class);
        Files.createDirectories(root.resolve(mediaDir.substring(1))); // the volume's mount point, made by the kubelet

        String key = UUID.randomUUID().toString();
        int port = freePort();
        Map<String, String> env = new LinkedHashMap<>();
        config.path("Env").forEach(e -> env.put(e.asString().split("=", 2)[0], e.asString().split("=", 2)[1]));
        env.putAll(AppSettings.of(single).environment());
        env.put("ENRICH_SECURITY_APIKEYS_0_SHA256", sha256(key));
        env.put("ENRICH_SECURITY_APIKEYS_0_TENANT", "image-test");
        env.remove("ENRICH_AI_API_KEY");
        env.put("SERVER_PORT", String.valueOf(port)); // 8080 may be taken on this machine
        String[] uidGid = config.path("User").asString().split(":");
        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(a -> entrypoint.add(a.asString()));
        config.path("Cmd").forEach(a -> entrypoint.add(a.asString()));

        // Mounts as the kubelet makes them, then the image's root, working directory and user, and its entrypoint.
        String mounts = String.join(" && ",
                "mount --bind $R $R", "mount -o remount,bind,ro $R", "mount -t proc proc $R/proc",
                "mount --rbind /dev $R/dev", "mount -t tmpfs -o mode=1777 tmpfs $R/tmp",
                "mount -t tmpfs -o uid=" + uidGid[0] + " tmpfs $R" + mediaDir,
                "exec /usr/bin/unshare --root=$R --wd=" + config.path("WorkingDir").asString() + " --setuid="
                        + uidGid[0] + " --setgid=" + uidGid[1] + " \"$@\"");
        List<String> command = new ArrayList<>(List.of("/usr/bin/env", "-i", "R=" + root));
        env.forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(List.of("/usr/bin/unshare", "--mount", "--pid", "--fork", "--kill-child", "/bin/sh", "-c",
                mounts, "sh"));
        command.addAll(entrypoint);
        Path log = dir.resolve("image.log");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Awaitility.await("readiness of the image's process (log " + log + ")").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> get(port, "/actuator/health/readiness", null).statusCode() == 200);
            System.out.printf("image start to ready: %d ms%n", (System.nanoTime() - started) / 1_000_000);
            ProcessHandle java = process.descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst()
                    .orElseThrow();

            assertThat(get(port, "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
            assertThat(get(port, "/api/v1/jobs", null).statusCode()).as("no key").isEqualTo(401);
            HttpResponse<String> metrics = get(port, "/actuator/prometheus", key);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("enrich_pool_busy");
            assertThat(Files.readString(Path.of("/proc", String.valueOf(java.pid()), "status")).lines()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow()).contains("\t" + uidGid[0] + "\t");

            // An upload larger than the in-memory limit: spooled in /tmp, then stored in the media directory.
            assertThat(upload(port, key).statusCode()).isEqualTo(201);
            try (Stream<Path> media = Files.walk(Path.of("/proc", String.valueOf(java.pid()), "root",
                    mediaDir.substring(1)))) {
                assertThat(media.filter(Files::isRegularFile)).isNotEmpty();
            }

            java.destroy(); // SIGTERM
            assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("stopped after SIGTERM").isTrue();
            assertThat(process.exitValue()).as("the JVM's exit after SIGTERM").isEqualTo(143);
            assertThat(Files.readString(log)).doesNotContain("Read-only file system");
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Files.copy(log, Path.of("target/image-it.log"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static HttpResponse<String> get(int port, String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> upload(int port, String key) throws Exception {
        String boundary = "image-test";
        byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n{\"title\":\"Image test\"}\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n" + new String(Fixtures.wavOfSize(512 * 1024),
                        StandardCharsets.ISO_8859_1) + "\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sessions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path blob(Path oci, String digest) {
        return oci.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
