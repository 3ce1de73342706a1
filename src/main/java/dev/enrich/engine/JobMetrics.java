package dev.enrich.engine;

import dev.enrich.events.EventPublisher;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * Count jobs by how they ended and time their stages, as Micrometer meters: {@code enrich.jobs} (counter, tag
 * {@code outcome} = completed | partial | failed | cancelled | interrupted; each terminal event this replica
 * publishes, so a job that a restart interrupted and another run finished counts once as interrupted and once as it
 * ended) and {@code enrich.stage.duration} (timer, tags {@code stage} and {@code state}: the stage's run in this
 * replica, from its start to its result; results restored from a checkpoint are not timed).
 *
 * <p>Follows {@link EventPublisher#published()} from {@link #start()} to {@link #stop()}, the one edge where that flow
 * is subscribed; it only increments counters, on the publisher's thread. Starts before and stops after
 * {@link EngineLifecycle}, so the jobs a drain ends are counted too.
 */
final class JobMetrics implements SmartLifecycle {

    private final EventPublisher events;
    private final MeterRegistry meters;
    private final Map<EventType, Counter> outcomes = new EnumMap<>(EventType.class);
    private volatile Disposable subscription = Disposables.disposed();

    JobMetrics(EventPublisher events, MeterRegistry meters) {
        this.events = events;
        this.meters = meters;
        for (EventType type : EventType.values()) {
            if (type.isTerminal()) {
                // Registered up front: every outcome shows (at 0) before the first job ends.
                outcomes.put(type, Counter.builder("enrich.jobs")
                        .description("Jobs that ended, by outcome")
                        .tag("outcome", type.id())
                        .register(meters));
            }
        }
    }

    /** Record that {@code stage} ran for {@code took} and finished in {@code state}. */
    void stageFinished(StageName stage, StageState state, Duration took) {
        Timer.builder("enrich.stage.duration")
                .description("Time a stage of a job took to run")
                .tag("stage", stage.id())
                .tag("state", state.name().toLowerCase(Locale.ROOT))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(meters)
                .record(took);
    }

    @Override
    public synchronized void start() {
        if (subscription.isDisposed()) {
            subscription = events.published()
                    .map(JobEvent::type)
                    .filter(EventType::isTerminal)
                    .subscribe(type -> outcomes.get(type).increment());
        }
    }

    @Override
    public synchronized void stop() {
        subscription.dispose();
    }

    @Override
    public boolean isRunning() {
        return !subscription.isDisposed();
    }

    // Phases start in ascending and stop in descending order: before EngineLifecycle starts, after it has drained.
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
