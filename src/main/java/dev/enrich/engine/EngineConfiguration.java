package dev.enrich.engine;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.config.AiProperties;
import dev.enrich.config.EnrichProperties;
import dev.enrich.config.LimitsProperties;
import dev.enrich.events.EventFeed;
import dev.enrich.events.EventLog;
import dev.enrich.events.EventPublisher;
import dev.enrich.job.BatchRepository;
import dev.enrich.job.JobRepository;
import dev.enrich.pipeline.Pipeline;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageRegistry;
import dev.enrich.pool.WorkerPool;
import dev.enrich.progress.DurationModel;
import dev.enrich.queue.JobQueue;
import dev.enrich.session.MediaStore;
import dev.enrich.session.SessionRepository;
import dev.enrich.stage.audio.AiTranscriptionStage;
import dev.enrich.stage.audio.AudioSettings;
import dev.enrich.stage.audio.AudioStage;
import dev.enrich.stage.canvas.AiCanvasStage;
import dev.enrich.stage.canvas.CanvasStage;
import dev.enrich.stage.summary.AiSummaryStage;
import dev.enrich.stage.summary.SummaryStage;
import dev.enrich.stage.video.AiCaptionStage;
import dev.enrich.stage.video.VideoSettings;
import dev.enrich.stage.video.VideoStage;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Wire the engine: stages, pipeline, worker pool, job runner and service, over whatever adapters are present. */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    StageRegistry stageRegistry(EnrichProperties props, AiProvider ai, AiCache aiCache, AiProperties aiProps) {
        AudioSettings audio = AudioSettings.defaults()
                .withMinSpeechMs((int) props.audio().minSpeech().toMillis())
                .withMinSilenceMs((int) props.audio().minSilence().toMillis());
        VideoSettings video = VideoSettings.defaults()
                .withSampleFps(props.video().sampleFps())
                .withMinChapterSeconds(props.video().minChapter().toMillis() / 1000.0);
        return new StageRegistry(Map.of(
                StageName.AUDIO, new AiTranscriptionStage(new AudioStage(audio), ai, aiCache, aiProps),
                StageName.VIDEO, new AiCaptionStage(new VideoStage(video), ai, aiCache, aiProps),
                StageName.SUMMARY, new AiSummaryStage(new SummaryStage(), ai, aiCache),
                StageName.CANVAS, new AiCanvasStage(new CanvasStage(), ai, aiCache)));
    }

    /** Bounded threads for CPU-heavy and blocking stage work; never a Netty event loop. */
    @Bean(destroyMethod = "dispose")
    Scheduler stageScheduler(EnrichProperties props) {
        return Schedulers.newBoundedElastic(props.pool().effectiveCpuThreads(), 100_000, "enrich-stage");
    }

    @Bean
    AiCache aiCache() {
        return new AiCache(10_000);
    }

    @Bean
    DurationModel durationModel() {
        return new DurationModel(0.3);
    }

    @Bean
    EventPublisher eventPublisher(EventLog log) {
        return new EventPublisher(log);
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
    Pipeline pipeline(StageRegistry stages, Scheduler stageScheduler, MediaStore media) {
        return new Pipeline(stages, stageScheduler, media);
    }

    @Bean
    WorkerPool workerPool(EnrichProperties props, JobQueue queue, JobRepository jobs, SessionRepository sessions,
            Pipeline pipeline, EventPublisher events, DurationModel durations, Clock clock, MeterRegistry meters,
            LimitsProperties limits) {
        JobRunner runner = new JobRunner(jobs, sessions, pipeline, events, durations, clock,
                props.events().progressInterval());
        return new WorkerPool(props.pool().effectiveConcurrency(), props.pool().recycleAfterFailures(),
                limits.maxRunningJobs(), queue, runner, clock, meters);
    }

    @Bean
    EnrichmentService enrichmentService(SessionRepository sessions, JobRepository jobs, BatchRepository batches,
            WorkerPool pool, EventPublisher events, Clock clock, EnrichProperties props, LimitsProperties limits) {
        return new EnrichmentService(sessions, jobs, batches, pool, events, clock, props.pool().retryAfter(),
                limits.maxQueuedJobs());
    }

    @Bean
    EngineLifecycle engineLifecycle(WorkerPool pool, JobRepository jobs, EventPublisher events, Clock clock,
            EnrichProperties props, ApplicationEventPublisher publisher) {
        return new EngineLifecycle(pool, jobs, events, clock, props.pool().drainTimeout(), publisher);
    }
}
