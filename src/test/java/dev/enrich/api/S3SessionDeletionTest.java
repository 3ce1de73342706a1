package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.S3rver;
import dev.enrich.testing.ServiceTest;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Deleting sessions and tenants with media in a bucket (a real s3rver process): afterwards a listing of the whole
 * bucket finds no key of the session, or of the tenant.
 */
@ServiceTest
@TestPropertySource(properties = {"enrich.security.api-keys[0].sha256=" + JobRetryTest.GLOBEX_SHA,
        "enrich.security.api-keys[0].tenant=globex", "enrich.security.api-keys[0].roles=USER",
        "enrich.media.store=s3", "enrich.media.s3.bucket=enrich-deletion", "enrich.media.s3.region=" + S3rver.REGION,
        "enrich.media.s3.path-style=true", "enrich.media.s3.prefix=media"})
@DirtiesContext // its S3 client and sweep go with the server
class S3SessionDeletionTest extends DeletionScenarios {

    private static final String BUCKET = "enrich-deletion";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    static S3rver server;

    @BeforeAll
    static void startServer() {
        server = S3rver.start(dir);
        server.createBucket(BUCKET);
        server.asDefaultCredentials();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @DynamicPropertySource
    static void endpoint(DynamicPropertyRegistry registry) {
        registry.add("enrich.media.s3.endpoint", () -> server.endpoint().toString());
    }

    @Override
    void assertStoreHoldsNothingNaming(String tenant, List<String> ids) {
        List<String> encoded = ids.stream().map(S3SessionDeletionTest::segment).toList();
        assertThat(server.keys(BUCKET)).noneMatch(key -> encoded.stream().anyMatch(key::contains));
    }

    @Override
    void assertStoreHoldsNothingOfTenant(String tenant) {
        assertThat(server.keys(BUCKET)).noneMatch(key -> key.startsWith("media/" + segment(tenant) + "/"));
    }

    @Override
    List<?> mediaOf(String sessionId) {
        return server.keys(BUCKET).stream().filter(key -> key.contains(segment(sessionId))).toList();
    }

    private static String segment(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes());
    }
}
