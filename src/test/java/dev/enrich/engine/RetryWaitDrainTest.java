package dev.enrich.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.EnrichApplication;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pipeline.StageName;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.SessionText;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.TestStagesConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;

/** A job waiting for its automatic retry when the engine drains is interrupted (resumable), not left queued. */
class RetryWaitDrainTest {

    @Test
    void aJobWaitingToRetryIsInterruptedByTheDrain() {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(EnrichApplication.class,
                TestStagesConfiguration.class)
                .run("--server.port=0", "--enrich.jobs.first-backoff=1h", "--enrich.jobs.max-backoff=1h",
                        "--enrich.jobs.jitter=0",
                        "--enrich.media.dir=${java.io.tmpdir}/enrich-test-media");
        ScriptedStages stages = app.getBean(ScriptedStages.class);
        JobRepository jobs = app.getBean(JobRepository.class);
        app.getBean(SessionRepository.class).save(new Session("waits", "default", "T", SessionText.inline("Notes."),
                null, List.of(), Instant.now())).block();
        stages.script(StageName.SUMMARY, ctx -> Flux.error(new TimeoutException("timed out")));

        Job job = app.getBean(EnrichmentService.class)
                .enrich("default", "waits", EnumSet.of(StageName.SUMMARY), Priority.INTERACTIVE).block();
        Job waiting = Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> jobs.findById(job.id()).block(), j -> j.attempt() == 2);
        assertThat(waiting.state()).isEqualTo(JobState.QUEUED);
        assertThat(waiting.message()).isEqualTo("Something went wrong. Retrying in 60 min...");

        app.close();

        Job after = jobs.findById(job.id()).block();
        assertThat(after.state()).isEqualTo(JobState.INTERRUPTED);
        assertThat(after.attempt()).isEqualTo(2);
        assertThat(stages.started(StageName.SUMMARY)).isEqualTo(1);
    }
}
