package dev.enrich.backend.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.session.MediaStore;
import dev.enrich.testing.S3rver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

/**
 * Wire the S3 media store only for {@code enrich.media.store=s3}, from {@code enrich.media.s3.*}, with credentials
 * from the SDK's default chain (here its system properties), and refuse settings that cannot work.
 */
class S3MediaConfigurationTest {

    @TempDir
    static Path dir;

    static S3rver server;

    @BeforeAll
    static void start() {
        server = S3rver.start(dir);
        server.createBucket("enrich");
        server.asDefaultCredentials();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
                .withBean(Clock.class, Clock::systemUTC)
                .withUserConfiguration(S3MediaConfiguration.class);
    }

    private ApplicationContextRunner s3(String... more) {
        return runner().withPropertyValues("enrich.media.store=s3", "enrich.media.s3.bucket=enrich",
                "enrich.media.s3.endpoint=" + server.endpoint(), "enrich.media.s3.region=" + S3rver.REGION,
                "enrich.media.s3.path-style=true").withPropertyValues(more);
    }

    @Test
    void s3StoreIsWiredFromPropertiesWithTheDefaultCredentialChain() {
        s3("enrich.media.s3.prefix=/tenants/media/", "enrich.media.s3.part-size=16MB").run(context -> {
            assertThat(context.getBean(MediaStore.class)).isInstanceOf(S3MediaStore.class);
            S3MediaProperties settings = context.getBean(S3MediaProperties.class);
            assertThat(settings.prefix()).isEqualTo("tenants/media");
            assertThat(settings.partSize()).isEqualTo(DataSize.ofMegabytes(16));
            assertThat(settings.orphanAge()).isEqualTo(Duration.ofHours(1));
            assertThat(context).hasSingleBean(OrphanUploadSweep.class);
        });
    }

    @Test
    void otherStoresLeaveItOut() {
        runner().run(context -> assertThat(context).doesNotHaveBean(MediaStore.class));
        runner().withPropertyValues("enrich.media.store=local")
                .run(context -> assertThat(context).doesNotHaveBean(MediaStore.class));
    }

    @Test
    void settingsThatCannotWorkFailTheStartSayingWhy() {
        runner().withPropertyValues("enrich.media.store=s3").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessage("enrich.media.s3.bucket must be set with enrich.media.store=s3"));
        s3("enrich.media.s3.part-size=1MB").run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessage("enrich.media.s3.part-size must be between 5MB and 1GB, but was 1048576B"));
        s3("enrich.media.s3.bucket=missing").run(context -> assertThat(context).hasFailed().getFailure()
                .hasStackTraceContaining("enrich.media.s3.bucket 'missing' cannot be reached"));
    }

    @Test
    void prefixMustBeAPlainFolder() {
        for (String prefix : new String[] {"a//b", "a/../b", ".."}) {
            assertThatThrownBy(() -> new S3MediaProperties("b", null, "", false, prefix, DataSize.ofMegabytes(8),
                    DataSize.ofMegabytes(1), Duration.ofHours(1), Duration.ofMinutes(15)))
                    .hasMessageStartingWith("enrich.media.s3.prefix must be a plain folder");
        }
    }
}
