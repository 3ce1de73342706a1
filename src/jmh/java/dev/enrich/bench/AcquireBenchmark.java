package dev.enrich.bench;

import dev.enrich.backend.memory.InMemoryJobQueue;
import dev.enrich.job.JobState;
import dev.enrich.job.Priority;
import dev.enrich.pool.JobTask;
import dev.enrich.pool.WorkerPool;
import dev.enrich.queue.QueuedJob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Measure worker acquisition on the real {@link WorkerPool} (in-memory fair queue, 4 slots each with its own worker
 * thread, as the service runs it) with a job that does nothing (issue 19, row 5). Run by {@code bench/acquire.sh}.
 *
 * <ul>
 *   <li>{@link #freeSlot}: a slot is free; from {@link WorkerPool#submit} until the job's task runs on its slot's
 *       thread and the caller has heard so (SampleTime: JMH's percentiles of the whole call, so they include waking
 *       the benchmark thread back up). The exact submit-to-start time, read on the slot's thread, is kept in a
 *       histogram and printed at the end of each fork as {@code exact-submit-to-start}.
 *   <li>{@link #slotFreed}: every slot is busy and one job waits in the queue; from the moment a running job ends
 *       until the waiting job runs on the freed slot (and, as above, the caller heard so). It then holds the slot, and
 *       a new job is queued behind, outside the measured time. What a queued job waits beyond this is the time the
 *       running jobs take, which is the load's, not the pool's.
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class AcquireBenchmark {

    static final int SLOTS = 4;

    /** A pool whose jobs report their start and then end at once, or hold their slot until released. */
    @State(Scope.Benchmark)
    public static class Pool {
        final Map<String, Waiter> waiting = new ConcurrentHashMap<>();
        final Histogram exact = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(10), 3);
        WorkerPool pool;
        long next;

        @Setup(Level.Trial)
        public void start() {
            if (pool != null) {
                return; // a subclass's setup may run first and start it
            }
            JobTask task = (job, stop) -> {
                Waiter w = waiting.remove(job.jobId());
                exact.recordValue(Math.max(0, System.nanoTime() - w.submitNanos));
                w.started.complete(null);
                return w.hold == null ? Mono.just(JobState.COMPLETED) : w.hold.asMono();
            };
            pool = new WorkerPool(SLOTS, 5, 0, new InMemoryJobQueue(1000, 8), task, Clock.systemUTC(),
                    new SimpleMeterRegistry(), true);
        }

        /** The histogram keeps the last iteration only: warmup iterations leave nothing. */
        @Setup(Level.Iteration)
        public void clear() {
            exact.reset();
        }

        @TearDown(Level.Trial)
        public void stop() {
            if (!(this instanceof FullPool)) {
                System.out.printf("exact-submit-to-start-us p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f max=%.1f n=%d%n",
                        exact.getValueAtPercentile(50) / 1e3, exact.getValueAtPercentile(90) / 1e3,
                        exact.getValueAtPercentile(99) / 1e3, exact.getValueAtPercentile(99.9) / 1e3,
                        exact.getMaxValue() / 1e3, exact.getTotalCount());
            }
            pool.close();
        }

        /** Submit a job; it starts now or once a slot frees. */
        Waiter submit(Sinks.@Nullable One<JobState> hold) {
            String id = "j" + next++;
            Waiter w = new Waiter(System.nanoTime(), new CompletableFuture<>(), hold);
            waiting.put(id, w);
            if (!pool.submit(new QueuedJob(id, "bench", Priority.INTERACTIVE, java.time.Instant.now()))) {
                throw new IllegalStateException("the pool refused a job");
            }
            return w;
        }
    }

    /** A full pool: every slot runs a job that holds it, and one more job waits in the queue. */
    @State(Scope.Benchmark)
    public static class FullPool extends Pool {
        final Deque<Sinks.One<JobState>> running = new ArrayDeque<>();
        @Nullable Waiter queued;

        @Setup(Level.Trial)
        public void fill() {
            start();
            for (int i = 0; i < SLOTS; i++) {
                Sinks.One<JobState> hold = Sinks.one();
                submit(hold).started.join();
                running.add(hold);
            }
            queueNext();
        }

        /** Not measured: queue the next job (the one that just started holds the freed slot now). */
        @TearDown(Level.Invocation)
        public void queueBehind() {
            queueNext();
        }

        @TearDown(Level.Trial)
        public void release() {
            running.forEach(h -> h.tryEmitValue(JobState.COMPLETED));
        }

        void queueNext() {
            Sinks.One<JobState> hold = Sinks.one();
            queued = submit(hold);
            running.add(hold);
        }
    }

    record Waiter(long submitNanos, CompletableFuture<Void> started, Sinks.@Nullable One<JobState> hold) {}

    @Benchmark
    public void freeSlot(Pool pool) {
        pool.submit(null).started.join();
    }

    @Benchmark
    public void slotFreed(FullPool pool) {
        Waiter next = pool.queued;
        pool.running.poll().tryEmitValue(JobState.COMPLETED);
        next.started.join();
    }
}
