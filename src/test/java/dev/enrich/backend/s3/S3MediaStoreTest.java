package dev.enrich.backend.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.enrich.backend.MediaStoreContract;
import dev.enrich.session.MediaStore;
import dev.enrich.session.MediaTooLargeException;
import dev.enrich.testing.S3rver;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The media store on a real S3-compatible server (s3rver, its own process) keeps the port's contract, and streams
 * large files in parts, reads ranges, and aborts what it does not finish.
 */
class S3MediaStoreTest extends MediaStoreContract {

    private static final int PART = 5 * 1024 * 1024;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the server's files and log stay when a test fails
    static Path dir;

    static S3rver server;
    static S3AsyncClient s3;

    String bucket;

    @BeforeAll
    static void startServer() {
        server = S3rver.start(dir);
        s3 = server.client();
    }

    @AfterAll
    static void stopServer() {
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newBucket() {
        bucket = "media-" + UUID.randomUUID().toString().substring(0, 8);
        server.createBucket(bucket);
    }

    @Override
    protected MediaStore store() {
        return new S3MediaStore(s3, settings("enrich/media"));
    }

    @Override
    protected List<String> leftovers() {
        List<String> left = new ArrayList<>(server.keys(bucket));
        server.incompleteUploads(bucket).forEach(id -> left.add("incomplete upload " + id));
        return left;
    }

    @Test
    void keysLiveUnderThePrefix() {
        String key = store().store("t", "s", chunks(random(10, 7), 10), 100).block(WAIT).key();

        assertThat(server.keys(bucket)).containsExactly("enrich/media/" + key);
    }

    @Test
    void aFileLargerThanOnePartGoesUpInPartsAndComesBackWhole() throws IOException {
        MediaStore store = store();
        byte[] bytes = random(2 * PART + 12_345, 8);

        MediaStore.Stored stored = store.store("t", "s", chunks(bytes, 65536), bytes.length).block(WAIT);

        assertThat(stored.size()).isEqualTo(bytes.length);
        assertThat(read(store, stored.key())).isEqualTo(bytes);
        String object = "/" + bucket + "/enrich/media/" + stored.key();
        // s3rver logs a request once its answer is sent: the line can come after the client had the answer.
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(server.requests()).filteredOn(line -> line.contains("PUT " + object + "?partNumber="))
                    .hasSize(3);
            assertThat(server.requests()).anyMatch(line -> line.contains("POST " + object + "?uploadId="));
        });
        assertThat(server.incompleteUploads(bucket)).isEmpty();
    }

    @Test
    void contentPastMaxBytesAfterTheFirstPartAbortsItsMultipartUpload() {
        MediaStore store = store();

        assertThatThrownBy(() -> store.store("t", "s", chunks(random(PART + 200_000, 9), 65536), PART + 100_000)
                .block(WAIT)).isInstanceOf(MediaTooLargeException.class);

        assertThat(server.keys(bucket)).isEmpty();
        // s3rver does not implement AbortMultipartUpload (405) and keeps the parts; a real S3 or MinIO drops them.
        assertThat(server.incompleteUploads(bucket)).hasSize(1);
        String upload = server.incompleteUploads(bucket).get(0);
        await().atMost(WAIT).untilAsserted(() -> assertThat(server.requests()).anyMatch(line -> line.contains(
                "DELETE /" + bucket + "/enrich/media/") && line.contains("uploadId=" + upload)));
    }

    @Test
    void randomAccessFetchesOnlyTheWindowsItReads() throws IOException {
        MediaStore store = store();
        byte[] bytes = random(3 * 1024 * 1024, 10);
        String key = store.store("t", "s", chunks(bytes, 65536), bytes.length).block(WAIT).key();
        int before = server.requests().size();

        try (SeekableByteChannel channel = store.openChannel(key)) {
            readAt(channel, bytes.length - 200_000, 8);
            readAt(channel, bytes.length - 100_000, 8); // within the window read ahead
            readAt(channel, 0, 8);
        }

        // s3rver logs a request once its answer is sent: the client can have it before the line is written.
        List<String> reads = await().atMost(WAIT).until(() -> server.requests().stream()
                .skip(before).filter(line -> line.contains("GET /" + bucket)).toList(), lines -> lines.size() >= 2);
        assertThat(reads).as("two ranged GETs of at most a window each, none of the whole object").hasSize(2)
                .allSatisfy(line -> assertThat(line).contains(" 206 ").doesNotContain("mb"));
    }

    @Test
    void aMissingObjectIsNoSuchFile() {
        assertThatThrownBy(() -> store().open("dA/cw/nope")).isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThatThrownBy(() -> store().openChannel("dA/cw/nope"))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void keysThatTheStoreDidNotMakeAreRefused() {
        assertThatThrownBy(() -> store().open("../other/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().open("/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSweepAsksForUploadsUnderThePrefixAndKeepsGoingWhenAListingFails() {
        OrphanUploadSweep sweep = new OrphanUploadSweep(s3, settings("enrich/media"), Clock.systemUTC());

        // s3rver does not implement ListMultipartUploads (501): against it each sweep fails, and the next one runs.
        StepVerifier.create(sweep.sweep())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(S3Exception.class,
                        s3e -> assertThat(s3e.statusCode()).isEqualTo(501)))
                .verify(WAIT);
        sweep.start(Duration.ofMillis(20), Schedulers.parallel());
        try {
            Awaitility.await().atMost(WAIT).until(() -> sweep.failures() >= 3);
        } finally {
            sweep.close();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(server.requests()).anyMatch(line -> line.contains(
                "GET /" + bucket + "?") && line.contains("uploads") && line.contains("prefix=enrich%2Fmedia%2F")));
    }

    @Test
    void theHealthCheckFailsForABucketThatIsGone() {
        bucket = "gone-" + UUID.randomUUID().toString().substring(0, 8);

        StepVerifier.create(store().check())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(S3Exception.class,
                        s3e -> assertThat(s3e.statusCode()).isEqualTo(404)))
                .verify(WAIT);
    }

    S3MediaProperties settings(String prefix) {
        return new S3MediaProperties(bucket, server.endpoint(), S3rver.REGION, true, prefix, DataSize.ofBytes(PART),
                DataSize.ofKilobytes(256), Duration.ofHours(1), Duration.ofMinutes(15));
    }
}
