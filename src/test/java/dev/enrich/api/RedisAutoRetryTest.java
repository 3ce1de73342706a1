package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.engine.EnrichmentService;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.RedisServer;
import dev.enrich.testing.TestStagesConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Automatic job retries on the Redis backend: the next run is a new entry in the shared queue. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"enrich.backend=redis",
        "enrich.events.heartbeat=15s", "enrich.pool.concurrency=4", "enrich.redis.queue.consumer=auto-retry-test",
        "enrich.jobs.max-attempts=3", "enrich.jobs.first-backoff=20ms", "enrich.jobs.max-backoff=50ms"})
@AutoConfigureWebTestClient
@Import(TestStagesConfiguration.class)
@DirtiesContext
class RedisAutoRetryTest extends AutoRetryScenarios {

    private static final Path DIR = tempDir();
    private static final RedisServer REDIS = RedisServer.start(DIR.resolve("redis"), false);

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        REDIS.register(registry, DIR.resolve("media"));
    }

    @Autowired
    JobRepository jobs;

    @Autowired
    EnrichmentService service;

    @Test
    void interruptedJobsResumeUntilTheirLastAttemptThenAreDeadLettered() {
        String session = ApiTestSupport.upload(http, Fixtures.session("Notes only", "Some notes.", null));
        String fresh = notesJob(session);
        String worn = notesJob(session);
        waitFor(fresh, "completed");
        waitFor(worn, "completed");
        Instant now = Instant.now();
        // As a restart would leave them: one interrupted in its 1st run, one in its 3rd (the last of 3).
        Job once = jobs.findById(fresh).block(Duration.ofSeconds(5)).withState(JobState.INTERRUPTED, "x", now);
        Job thrice = jobs.findById(worn).block(Duration.ofSeconds(5));
        for (int i = 0; i < 2; i++) {
            thrice = thrice.withState(JobState.INTERRUPTED, "x", now).retried(now);
        }
        jobs.save(once).then(jobs.save(thrice.withState(JobState.INTERRUPTED, "x", now))).block(Duration.ofSeconds(5));

        assertThat(service.resumeInterrupted(10, 3).block(Duration.ofSeconds(10))).isEqualTo(1);

        assertThat(waitFor(fresh, "completed").get("attempt")).isEqualTo(2);
        assertThat(waitFor(worn, "failed").get("message")).isEqualTo("We couldn't finish this job. You can retry it.");
    }

    @AfterAll
    static void stopRedis() {
        REDIS.close();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("enrich-redis-auto-retry");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
