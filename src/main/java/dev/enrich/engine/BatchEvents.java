package dev.enrich.engine;

import dev.enrich.events.EventPublisher;
import dev.enrich.events.JobEvent;
import dev.enrich.job.BatchView;
import java.time.Clock;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Derive batch progress from job events: whenever a job of a batch ends, publish the batch's new view as a
 * {@code batch} event (to the batch's and the owner's streams), after the job's terminal event.
 *
 * <p>A view that shows the batch finished is published only once every job's end is in the streams: a job saves its
 * end before it publishes it, so the view made after one job's end may already count another job whose end is not
 * published yet. That view is held back (batch streams end with it); the view made after the last end publishes it.
 *
 * <p>Follows {@link EventPublisher#published()} from {@link #start()} to {@link #stop()}: that subscription is the one
 * edge where this flow is subscribed, and it is kept and disposed here. Views are made on {@code scheduler}, never on
 * the publisher's thread; the terminal events waiting for them are buffered (one per finished job). Starts before and
 * stops after {@link EngineLifecycle}, so the jobs a drain ends update their batches too.
 */
final class BatchEvents implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BatchEvents.class);

    private final EventPublisher events;
    private final BiFunction<String, String, Mono<BatchView>> views;
    private final Clock clock;
    private final Scheduler scheduler;
    private volatile Disposable subscription = Disposables.disposed();

    /**
     * Create the deriver.
     *
     * @param views a batch's view by tenant and batch id; empty or failing when the batch is gone
     * @param scheduler where views are made and batch events published
     */
    BatchEvents(EventPublisher events, BiFunction<String, String, Mono<BatchView>> views, Clock clock,
            Scheduler scheduler) {
        this.events = events;
        this.views = views;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /** Return the batch events derived from the job events published from now on, as they are published. */
    Flux<JobEvent> derived() {
        return events.published()
                .filter(event -> event.batchId() != null && event.type().isTerminal())
                .onBackpressureBuffer()
                .publishOn(scheduler)
                .concatMap(this::batchEvent);
    }

    private Mono<JobEvent> batchEvent(JobEvent ended) {
        String batchId = ended.batchId();
        if (batchId == null) {
            return Mono.empty();
        }
        return views.apply(ended.tenant(), batchId)
                .filterWhen(view -> !view.state().isTerminal() ? Mono.just(true) : allEndsPublished(view))
                .map(view -> JobEvent.batch(view, ended.tenant(), clock.instant()))
                .flatMap(batch -> events.publishBatch(batch).thenReturn(batch))
                .onErrorResume(e -> {
                    log.warn("batch view not published batch={} job={} error={}", batchId, ended.jobId(),
                            e.toString());
                    return Mono.empty();
                });
    }

    // Only at a batch's end, one read per job; a few at a time.
    private Mono<Boolean> allEndsPublished(BatchView view) {
        return Flux.fromIterable(view.jobIds()).flatMap(events::endPublished, 8).all(Boolean::booleanValue)
                .doOnNext(all -> {
                    if (!all) {
                        log.debug("finished batch view held back until its last job's end is published batch={}",
                                view.id());
                    }
                });
    }

    @Override
    public synchronized void start() {
        if (subscription.isDisposed()) {
            subscription = derived().subscribe(null, e -> log.error("batch events stopped", e));
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
