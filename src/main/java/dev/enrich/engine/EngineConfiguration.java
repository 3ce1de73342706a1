package dev.enrich.engine;

import dev.enrich.config.EnrichProperties;
import dev.enrich.config.JobsProperties;
import dev.enrich.resilience.BackoffPolicy;
import dev.enrich.resilience.Dependencies;
import dev.enrich.config.LimitsProperties;
import dev.enrich.config.RetentionProperties;
import dev.enrich.retention.RetentionSweeper;
import dev.enrich.events.EventFeed;
import dev.enrich.events.EventLog;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.JobMoves;
import dev.enrich.job.BatchRepository;
import dev.enrich.job.JobRepository;
import dev.enrich.pipeline.NamedStage;
import dev.enrich.pipeline.Pipeline;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageLimits;
import dev.enrich.pipeline.StageRegistry;
import dev.enrich.pool.WorkerPool;
import dev.enrich.progress.DurationModel;
import dev.enrich.queue.JobQueue;
import dev.enrich.queue.QueuedJob;
import dev.enrich.retention.ExpiryIndex;
import dev.enrich.session.MediaStore;
import dev.enrich.session.MediaUsage;
import dev.enrich.session.SessionRepository;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Wire the engine: the stage registry (of the stages the {@code stage.*} packages offer), pipeline, worker pool, job
 * runner and service, over whatever adapters are present.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(JobsProperties.class)
class EngineConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The stages each stage package offers ({@code stage.*} configurations); tests may bring their own registry. */
    @Bean
    @ConditionalOnMissingBean
    StageRegistry stageRegistry(List<NamedStage> stages) {
        Map<StageName, Stage> byName = new EnumMap<>(StageName.class);
        for (NamedStage named : stages) {
            if (byName.put(named.name(), named.stage()) != null) {
                throw new IllegalStateException("two stages offered for " + named.name().id());
            }
        }
        return new StageRegistry(byName);
    }

    /** Bounded threads for CPU-heavy and blocking stage work; never a Netty event loop. */
    @Bean(destroyMethod = "dispose")
    Scheduler stageScheduler(EnrichProperties props) {
        return Schedulers.newBoundedElastic(props.pool().effectiveCpuThreads(), 100_000, "enrich-stage");
    }

    @Bean
    DurationModel durationModel() {
        return new DurationModel(0.3);
    }

    /** Moves with their events: the backend's {@link JobMoves} when it has one (one step), else one after the other. */
    @Bean
    EventPublisher eventPublisher(EventLog log, JobRepository jobs, ObjectProvider<JobMoves> moves) {
        return new EventPublisher(log, moves.getIfAvailable(() -> JobMoves.sequential(jobs, log)));
    }

    @Bean
    EventFeed eventFeed(EventLog log, EnrichmentService service, Clock clock) {
        return new EventFeed(log, service, clock);
    }

    @Bean
    BatchEvents batchEvents(EventPublisher events, EnrichmentService service, Clock clock) {
        return new BatchEvents(events, service::batchView, clock, Schedulers.parallel());
    }

    @Bean
    Pipeline pipeline(StageRegistry stages, Scheduler stageScheduler, MediaStore media, EnrichProperties props,
            DurationModel durations) {
        EnrichProperties.StageBudget budget = props.pool().stageBudget();
        StageLimits limits = new StageLimits(budget.floor(), budget.cap(), budget.factor(),
                props.pool().stallTimeout());
        return new Pipeline(stages, stageScheduler, media, limits, durations::expected, Schedulers.parallel());
    }

    /** Automatic retries of jobs whose stages failed for a transient cause ({@code enrich.jobs.*}). */
    @Bean
    JobRetries jobRetries(JobsProperties settings, ObjectProvider<Dependencies> dependencies, JobQueue queue,
            Clock clock) {
        return new JobRetries(settings, new BackoffPolicy(settings.backoff()),
                () -> dependencies.getIfAvailable() == null ? Optional.empty()
                        : dependencies.getObject().openWait(), Schedulers::parallel,
                (job, delay) -> queue.offerLater(new QueuedJob(job.id(), job.tenant(), job.priority(),
                        clock.instant(), job.attempt()), delay));
    }

    @Bean
    JobMetrics jobMetrics(EventPublisher events, MeterRegistry meters) {
        return new JobMetrics(events, meters);
    }

    @Bean
    WorkerPool workerPool(EnrichProperties props, JobQueue queue, JobRepository jobs, SessionRepository sessions,
            Pipeline pipeline, EventPublisher events, DurationModel durations, Clock clock, MeterRegistry meters,
            LimitsProperties limits, JobMetrics jobMetrics, JobRetries retries) {
        JobRunner runner = new JobRunner(jobs, sessions, pipeline, events, durations, clock,
                props.events().progressInterval(), jobMetrics, retries);
        return new WorkerPool(props.pool().effectiveConcurrency(), props.pool().recycleAfterFailures(),
                limits.maxRunningJobs(), queue, runner, clock, meters, true);
    }

    @Bean
    EnrichmentService enrichmentService(SessionRepository sessions, JobRepository jobs, BatchRepository batches,
            WorkerPool pool, EventPublisher events, Clock clock, EnrichProperties props, LimitsProperties limits) {
        return new EnrichmentService(sessions, jobs, batches, pool, events, clock, props.pool().retryAfter(),
                limits.maxQueuedJobs());
    }

    @Bean
    SessionDeletion sessionDeletion(SessionRepository sessions, JobRepository jobs, BatchRepository batches,
            MediaStore media, MediaUsage usage, ExpiryIndex expiry, EventPublisher events, EnrichmentService service,
            WorkerPool pool, EnrichProperties props) {
        return new SessionDeletion(sessions, jobs, batches, media, usage, expiry, events, service, pool,
                props.pool().stopWait());
    }

    // Wired here, not in retention: the sweep deletes through SessionDeletion, and engine already uses the index.
    @Bean
    RetentionSweeper retentionSweeper(ExpiryIndex index, SessionRepository sessions, JobRepository jobs,
            MediaStore media, MediaUsage usage, SessionDeletion deletion, RetentionProperties settings, Clock clock) {
        return new RetentionSweeper(index, sessions, jobs, media, usage, deletion::delete, settings, clock);
    }

    @Bean
    EngineLifecycle engineLifecycle(WorkerPool pool, JobRepository jobs, EventPublisher events, Clock clock,
            EnrichProperties props, ApplicationEventPublisher publisher, EnrichmentService service,
            JobRetries retries) {
        return new EngineLifecycle(pool, jobs, events, clock, props.pool().drainTimeout(), publisher, service,
                retries);
    }
}
