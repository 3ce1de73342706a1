package dev.enrich.engine;

import dev.enrich.EnrichApplication;
import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.Priority;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageRegistry;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionRepository;
import dev.enrich.session.SessionText;
import dev.enrich.stage.audio.AudioStage;
import dev.enrich.stage.canvas.CanvasStage;
import dev.enrich.stage.summary.SummaryStage;
import dev.enrich.stage.video.VideoFixtures;
import dev.enrich.stage.video.VideoStage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Run in a JVM of its own (see {@link GracefulShutdownTest}): start the service, run the real video stage on a real
 * MP4 while the JVM shuts down (System.exit runs Spring's shutdown hook, which drains the engine), and print how the
 * job ended as the context closes: {@code drained job=<id> state=<job state> video=<stage state> thumbnails=<n>}.
 *
 * <p>The video stage is held until the drain begins, so all its work, the first thumbnail PNG of this JVM included,
 * happens while the JVM's shutdown is in progress.
 */
public final class VideoDuringShutdown {

    /** Print the line the test reads; a prefix nothing else prints. */
    static final String REPORT = "drained job=";

    private VideoDuringShutdown() {}

    /** Run the scenario in {@code args[0]} (a scratch directory), then exit the JVM. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path mp4 = dir.resolve("clip.mp4");
        // 8 s at 10 fps, four scenes: four chapters, each with a thumbnail.
        VideoFixtures.encodeMp4(mp4, 320, 180, 10, 80, 10, VideoFixtures.scenes(20));
        ConfigurableApplicationContext app = new SpringApplicationBuilder(EnrichApplication.class, Gated.class)
                .run("--server.port=0", "--enrich.pool.drain-timeout=120s",
                        "--spring.lifecycle.timeout-per-shutdown-phase=150s",
                        "--enrich.media.dir=" + dir.resolve("media"));
        MediaStore media = app.getBean(MediaStore.class);
        MediaStore.Stored stored = media.store("default", "s1",
                DataBufferUtils.read(mp4, DefaultDataBufferFactory.sharedInstance, 64 * 1024), Long.MAX_VALUE)
                .block();
        app.getBean(SessionRepository.class).save(new Session("s1", "default", "Review", SessionText.inline("We agreed to ship."), null,
                List.of(new MediaRef(MediaKind.VIDEO, stored.key(), stored.size(), "video/mp4", "clip.mp4")),
                Instant.now())).block();
        Job job = app.getBean(EnrichmentService.class)
                .enrich("default", "s1", EnumSet.of(StageName.VIDEO, StageName.SUMMARY), Priority.INTERACTIVE)
                .block();
        app.getBean(Report.class).jobId.set(job.id());
        JobRepository jobs = app.getBean(JobRepository.class);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            Job now = jobs.findById(job.id()).block();
            return now.stages().get(StageName.VIDEO).state() == StageState.RUNNING;
        });
        System.out.println("video stage running; exiting");
        System.exit(0);
    }

    /** Hold the real video stage until the drain starts, and report the job as the context closes. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Gated {

        @Bean
        DrainStarted drainStarted() {
            return new DrainStarted();
        }

        @Bean
        @Primary
        StageRegistry gatedStages(DrainStarted drain, Scheduler stageScheduler) {
            Stage video = new VideoStage();
            Stage gated = new Stage() {
                @Override
                public Flux<StageUpdate> run(StageContext context) {
                    // Back on a stage thread: the drain signal arrives on the shutdown hook's thread.
                    return drain.sink.asMono()
                            .thenMany(Flux.defer(() -> video.run(context)).subscribeOn(stageScheduler));
                }

                @Override
                public Optional<String> missingInput(StageContext context) {
                    return video.missingInput(context);
                }
            };
            return new StageRegistry(Map.of(StageName.VIDEO, gated, StageName.AUDIO, new AudioStage(),
                    StageName.SUMMARY, new SummaryStage(), StageName.CANVAS, new CanvasStage()));
        }

        @Bean
        Report report(JobRepository jobs) {
            return new Report(jobs);
        }
    }

    /** Complete when readiness drops, which the engine does as its drain begins. */
    static final class DrainStarted implements ApplicationListener<AvailabilityChangeEvent<ReadinessState>> {
        final Sinks.Empty<Void> sink = Sinks.empty();

        @Override
        public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
            if (event.getState() == ReadinessState.REFUSING_TRAFFIC) {
                sink.tryEmitEmpty();
            }
        }
    }

    /** Print the job's state once the drain is over (beans are destroyed after every lifecycle bean stopped). */
    static final class Report implements DisposableBean {
        private final JobRepository jobs;
        final AtomicReference<@Nullable String> jobId = new AtomicReference<>();

        Report(JobRepository jobs) {
            this.jobs = jobs;
        }

        @Override
        public void destroy() {
            String id = jobId.get();
            if (id == null) {
                return;
            }
            Job job = jobs.findById(id).block();
            StageResult video = jobs.results(id).block().get(StageName.VIDEO);
            long thumbnails = video == null ? 0 : video.data(VideoAnalysis.class).map(VideoAnalysis::chapters)
                    .orElse(List.of()).stream().filter(c -> c.thumbnail() != null).count();
            System.out.println(REPORT + id + " state=" + job.state().name() + " video="
                    + job.stages().get(StageName.VIDEO).state().name() + " thumbnails=" + thumbnails);
            System.out.flush();
        }
    }
}
