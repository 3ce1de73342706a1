package dev.enrich.engine;

import dev.enrich.job.Job;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import java.util.Map;
import reactor.util.context.Context;

/**
 * Carry a job's ids into the MDC of every line logged while it runs, whichever thread runs it: {@code jobId},
 * {@code sessionId} and {@code tenant}, which the structured (JSON) log formats write as fields of each line.
 *
 * <p>The ids ride the Reactor context ({@link #of}); Reactor's automatic context propagation
 * ({@code spring.reactor.context-propagation=auto}) restores them as MDC entries around each operator through this
 * accessor, which the context-propagation library finds as a service
 * ({@code META-INF/services/io.micrometer.context.ThreadLocalAccessor}) and which clears them again afterwards.
 */
public final class JobLogContext extends Slf4jThreadLocalAccessor {

    /** MDC key of the job's id. */
    public static final String JOB_ID = "jobId";
    /** MDC key of the job's session id. */
    public static final String SESSION_ID = "sessionId";
    /** MDC key of the job's owner. */
    public static final String TENANT = "tenant";

    /** Create the accessor of the three MDC keys (for the service loader). */
    public JobLogContext() {
        super(JOB_ID, SESSION_ID, TENANT);
    }

    /** Return a Reactor context that logs {@code job}'s ids with every line of the chain it is written to. */
    static Context of(Job job) {
        return Context.of(KEY, Map.of(JOB_ID, job.id(), SESSION_ID, job.sessionId(), TENANT, job.tenant()));
    }
}
