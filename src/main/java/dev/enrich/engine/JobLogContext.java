package dev.enrich.engine;

import dev.enrich.job.Job;
import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import reactor.util.context.Context;

/**
 * Carry a job's ids into the MDC of every line logged while it runs, whichever thread runs it: {@code jobId},
 * {@code sessionId} and {@code tenant}, which the structured (JSON) log formats write as fields of each line.
 *
 * <p>The ids ride the Reactor context ({@link #of}); Reactor's automatic context propagation
 * ({@code spring.reactor.context-propagation=auto}) restores them as MDC entries around each operator through this
 * accessor, which the context-propagation library finds as a service
 * ({@code META-INF/services/io.micrometer.context.ThreadLocalAccessor}) and which clears them again afterwards.
 *
 * <p>Written by hand rather than with the library's {@code Slf4jThreadLocalAccessor}: that one reads the keys into a
 * new HashMap at every hop of every chain, job or not (about a sixth of a job's allocation samples). This one reads
 * three keys on a thread that logs for no job and allocates nothing there, and leaves the MDC alone when it already
 * holds the job's ids (each MDC change makes Logback copy the map again for the next line).
 */
public final class JobLogContext implements ThreadLocalAccessor<JobLogContext.Ids> {

    /** MDC key of the job's id. */
    public static final String JOB_ID = "jobId";
    /** MDC key of the job's session id. */
    public static final String SESSION_ID = "sessionId";
    /** MDC key of the job's owner. */
    public static final String TENANT = "tenant";
    /** Where a job's ids sit in the Reactor context. */
    static final String KEY = "enrich.job-log";

    /** Create the accessor of the three MDC keys (for the service loader). */
    public JobLogContext() {
    }

    /** Return a Reactor context that logs {@code job}'s ids with every line of the chain it is written to. */
    static Context of(Job job) {
        return Context.of(KEY, new Ids(job.id(), job.sessionId(), job.tenant()));
    }

    @Override
    public Object key() {
        return KEY;
    }

    /** The job ids this thread's MDC holds now (to put back afterwards), or null when it holds none of them. */
    @Override
    public @Nullable Ids getValue() {
        String jobId = MDC.get(JOB_ID);
        String sessionId = MDC.get(SESSION_ID);
        String tenant = MDC.get(TENANT);
        return jobId == null && sessionId == null && tenant == null ? null : new Ids(jobId, sessionId, tenant);
    }

    @Override
    public void setValue(Ids ids) {
        put(JOB_ID, ids.jobId());
        put(SESSION_ID, ids.sessionId());
        put(TENANT, ids.tenant());
    }

    /** No job in the context: this thread logs for none. */
    @Override
    public void setValue() {
        remove(JOB_ID);
        remove(SESSION_ID);
        remove(TENANT);
    }

    private static void put(String key, @Nullable String value) {
        if (value == null) {
            remove(key);
        } else if (!value.equals(MDC.get(key))) {
            MDC.put(key, value);
        }
    }

    private static void remove(String key) {
        if (MDC.get(key) != null) {
            MDC.remove(key);
        }
    }

    /** A job's ids as its log lines carry them (as a thread's MDC held them: some may be missing). */
    public record Ids(@Nullable String jobId, @Nullable String sessionId, @Nullable String tenant) {}
}
