package dev.enrich.engine;

import dev.enrich.events.EventPublisher;
import dev.enrich.events.JobEvent;
import dev.enrich.job.BatchView;
import dev.enrich.reactive.Ticks;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Derive batch progress from job events: whenever a job of a batch ends, publish the batch's new view as a
 * {@code batch} event (to the batch's and the owner's streams), after the job's terminal event.
 *
 * <p>A view that shows the batch finished is published only once every job's end is in the streams, and once: a job
 * saves its end before it publishes it, so the view made after one job's end may already count another job whose
 * end is not published yet. That view is held back (batch streams end with it) and checked again every
 * {@link #RECHECK}: the view made after the last end usually publishes it first; past {@link #RECHECKS} checks it is
 * published anyway. A finished view is not published again while the batch's stream ends with one.
 *
 * <p>Follows {@link EventPublisher#published()} from {@link #start()} to {@link #stop()}: that subscription is the one
 * edge where this flow is subscribed, and it is kept and disposed here. Views are made on {@code scheduler}, never on
 * the publisher's thread; the terminal events waiting for them are buffered (one per finished job). Starts before and
 * stops after {@link EngineLifecycle}, so the jobs a drain ends update their batches too.
 */
final class BatchEvents implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BatchEvents.class);
    /** How long a held-back finished view waits before it is checked again. */
    static final Duration RECHECK = Duration.ofMillis(200);
    /** How many times it is checked again before it is published anyway (about 5 s). */
    static final int RECHECKS = 25;

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
        return Flux.defer(() -> {
            Set<String> held = ConcurrentHashMap.newKeySet();
            // At most one check waits per batch (held): bounded by the batches that are ending.
            Sinks.Many<Work> again = Sinks.many().unicast().onBackpressureBuffer();
            Flux<Work> ends = events.published()
                    .filter(event -> event.batchId() != null && event.type().isTerminal())
                    .map(event -> new Work(event.tenant(), Objects.requireNonNull(event.batchId()), 0))
                    .onBackpressureBuffer();
            // Checks again wait here, in this flux (they end with it), then go through the same line as the ends:
            // one view at a time, so two never race.
            Flux<Work> rechecks = again.asFlux().flatMap(work -> Mono.delay(RECHECK, scheduler).thenReturn(work));
            return ends.mergeWith(rechecks)
                    // Disposed at stop from another thread: that interrupts no view being read from Redis (Ticks).
                    .publishOn(Ticks.uninterrupted(scheduler))
                    .concatMap(work -> batchEvent(work, held, again));
        });
    }

    /** A batch to make a view of: after a job's end ({@code checks} 0), or again for a held-back finished view. */
    private record Work(String tenant, String batchId, int checks) {}

    private Mono<JobEvent> batchEvent(Work work, Set<String> held, Sinks.Many<Work> again) {
        if (work.checks() > 0) {
            held.remove(work.batchId());
        }
        return views.apply(work.tenant(), work.batchId())
                .flatMap(view -> view.state().isTerminal() ? finished(work, view, held, again)
                        // A check again that finds a job running again: that job's end will make the next view.
                        : work.checks() > 0 ? Mono.empty() : publish(view, work.tenant()))
                .onErrorResume(e -> {
                    log.warn("batch view not published batch={} error={}", work.batchId(), e.toString());
                    checkAgain(work, held, again);
                    return Mono.empty();
                });
    }

    // A finished view: not again while the batch's stream ends with one; held back while a job's end is not out,
    // until the last check, then published anyway (a later event of a job's run after its end, such as a retry
    // notice after a cancel, would otherwise hold it for good).
    private Mono<JobEvent> finished(Work work, BatchView view, Set<String> held, Sinks.Many<Work> again) {
        return events.batchEnded(work.batchId())
                .filter(ended -> !ended)
                .flatMap(open -> allEndsPublished(view))
                .flatMap(all -> {
                    if (!all && work.checks() < RECHECKS) {
                        checkAgain(work, held, again);
                        return Mono.empty();
                    }
                    if (!all) {
                        log.warn("finished batch view published before every job's end batch={}", work.batchId());
                    }
                    return publish(view, work.tenant());
                });
    }

    private Mono<JobEvent> publish(BatchView view, String tenant) {
        JobEvent batch = JobEvent.batch(view, tenant, clock.instant());
        return events.publishBatch(batch).thenReturn(batch);
    }

    // Called on the line that makes views, one at a time: no concurrent emission into `again`.
    private static void checkAgain(Work work, Set<String> held, Sinks.Many<Work> again) {
        if (work.checks() < RECHECKS && held.add(work.batchId())) {
            again.tryEmitNext(new Work(work.tenant(), work.batchId(), work.checks() + 1));
        }
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
