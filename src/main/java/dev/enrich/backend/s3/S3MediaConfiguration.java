package dev.enrich.backend.s3;

import dev.enrich.session.MediaStore;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;

/**
 * Wire the media store on S3-compatible storage: {@code enrich.media.store=s3}. Startup checks that the bucket
 * answers (so a wrong name, endpoint or credential fails the start, not the first upload) and starts the sweep of
 * incomplete uploads.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.media.store", havingValue = "s3")
@EnableConfigurationProperties(S3MediaProperties.class)
class S3MediaConfiguration {

    @Bean(destroyMethod = "close")
    S3AsyncClient mediaS3Client(S3MediaProperties settings) {
        if (settings.bucket().isBlank()) {
            throw new IllegalArgumentException("enrich.media.s3.bucket must be set with enrich.media.store=s3");
        }
        return client(settings, DefaultCredentialsProvider.builder().build());
    }

    @Bean
    MediaStore mediaStore(S3AsyncClient mediaS3Client, S3MediaProperties settings) {
        try {
            mediaS3Client.headBucket(b -> b.bucket(settings.bucket())).join();
        } catch (CompletionException e) {
            throw new IllegalStateException("enrich.media.s3.bucket '" + settings.bucket()
                    + "' cannot be reached: " + e.getCause().getMessage(), e.getCause());
        }
        return new S3MediaStore(mediaS3Client, settings);
    }

    @Bean(destroyMethod = "close")
    OrphanUploadSweep orphanUploadSweep(S3AsyncClient mediaS3Client, S3MediaProperties settings, Clock clock) {
        OrphanUploadSweep sweep = new OrphanUploadSweep(mediaS3Client, settings, clock);
        sweep.start(settings.sweepInterval(), Schedulers.parallel());
        return sweep;
    }

    /**
     * Build the async client on Netty for these settings. Checksums only where S3 requires them: S3-compatible servers
     * differ in which newer checksum headers and trailers they understand.
     */
    static S3AsyncClient client(S3MediaProperties settings,
            software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(2)))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (!settings.region().isBlank()) {
            builder.region(Region.of(settings.region()));
        }
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }
}
