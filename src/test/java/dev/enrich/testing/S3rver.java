package dev.enrich.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server, {@code s3rver} from npm (it checks SigV4 signatures), as its own Node.js process on a
 * free loopback port with its files in a directory of the test's, for the S3 media store's tests. It is installed by
 * {@code npm ci --prefix test-tools/s3rver} ({@code .ci/run} does it). Where it or Node.js is missing the test fails
 * on CI ({@code CI} or {@code ENRICH_S3_TESTS=required}) and is skipped loudly elsewhere.
 *
 * <p>s3rver implements neither ListMultipartUploads nor AbortMultipartUpload (it answers 501 and 405). Its log shows
 * every request, so tests can see that an abort was asked for; {@link #incompleteUploads} reads what it holds of
 * unfinished multipart uploads from its directory.
 */
public final class S3rver implements AutoCloseable {

    /** The account s3rver knows; requests signed with anything else are refused. */
    public static final String ACCESS_KEY = "S3RVER";
    public static final String SECRET_KEY = "S3RVER";
    public static final String REGION = "us-east-1";

    private static final Path INSTALL = Path.of("test-tools/s3rver");
    private static final Path SCRIPT = INSTALL.resolve("node_modules/s3rver/bin/s3rver.js");

    private final Path dir;
    private final int port;
    private final Process process;
    private final S3AsyncClient admin;
    private boolean defaultCredentials;

    private S3rver(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.admin = client();
    }

    /** Start a server keeping its files in {@code dir}; wait until it accepts connections. */
    public static S3rver start(Path dir) {
        Path node = onPath("node");
        RequiredTool.assume(node != null && Files.isRegularFile(SCRIPT), "s3rver (Node.js package)",
                "sudo apt-get install -y nodejs npm && npm ci --prefix " + INSTALL, "S3 media store tests",
                RequiredTool.onCi() || "required".equals(System.getenv("ENRICH_S3_TESTS")),
                "CI or ENRICH_S3_TESTS=required");
        int port = freePort();
        Path data = dir.resolve("data");
        try {
            Files.createDirectories(data);
            ProcessBuilder command = new ProcessBuilder(node.toString(), SCRIPT.toString(), "--directory",
                    data.toString(), "--address", "127.0.0.1", "--port", String.valueOf(port), "--no-vhost-buckets")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("s3rver.log").toFile());
            // Its request log cuts 16 characters off each line, which are colour codes only when colours are on.
            command.environment().put("FORCE_COLOR", "1");
            Process process = command.start();
            S3rver server = new S3rver(dir, port, process);
            Awaitility.await("s3rver listening on port " + port).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50)).until(server::accepts);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("could not start s3rver", e);
        }
    }

    /** Return its URL, {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Return a client signed with the server's account, path-style; the caller closes it. */
    public S3AsyncClient client() {
        return S3AsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .region(Region.of(REGION)).endpointOverride(endpoint()).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /**
     * Make this server's account what the SDK's default credential chain finds first (its system properties
     * {@code aws.accessKeyId} and {@code aws.secretAccessKey}), as a service configured without keys would sign;
     * {@link #close()} clears them.
     */
    public S3rver asDefaultCredentials() {
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        defaultCredentials = true;
        return this;
    }

    /** Create a bucket. */
    public void createBucket(String bucket) {
        admin.createBucket(b -> b.bucket(bucket)).join();
    }

    /** Return every key in the bucket (listed through the S3 API). */
    public List<String> keys(String bucket) {
        return Flux.from(admin.listObjectsV2Paginator(b -> b.bucket(bucket)).contents())
                .map(S3Object::key).collectList().block(Duration.ofSeconds(30));
    }

    /** Return the ids of the multipart uploads it holds unfinished in the bucket (read from its directory). */
    public List<String> incompleteUploads(String bucket) {
        Path uploads = dir.resolve("data").resolve(bucket).resolve("._S3rver_uploads");
        if (!Files.isDirectory(uploads)) {
            return List.of();
        }
        try (Stream<Path> ids = Files.list(uploads)) {
            return ids.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Return the request lines it logged so far, e.g. {@code DELETE /bucket/key?uploadId=… 405}. */
    public List<String> requests() {
        try {
            return Files.readAllLines(dir.resolve("s3rver.log"), StandardCharsets.UTF_8).stream()
                    .map(line -> line.replaceAll("\u001B\\[[0-9;]*m", "")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (defaultCredentials) {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        admin.close();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean accepts() {
        if (!process.isAlive()) {
            throw new IllegalStateException("s3rver exited: " + String.join("\n", requests()));
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static @Nullable Path onPath(String program) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(folder, program);
            if (!folder.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
