package dev.enrich.pool;

import dev.enrich.job.JobState;
import dev.enrich.queue.QueuedJob;

/**
 * Observe the jobs the {@link Dispatcher} starts and ends; observers report, they never steer dispatch.
 *
 * <p>For one job, {@link #started} comes before {@link #finished}, and a job's {@code finished} comes before the free
 * slot it leaves is requested again, so at most {@code concurrency} jobs are between the two calls at any time. Calls
 * come on the dispatching or the job's thread: they must be short and must not block. An exception is logged and
 * otherwise ignored.
 */
interface DispatchListener {

    /** Note that {@code job} started at {@code startMillis} (the dispatcher's clock). */
    void started(QueuedJob job, long startMillis);

    /** Note that {@code job}, started at {@code startMillis}, ended in {@code state} at {@code endMillis}. */
    void finished(QueuedJob job, JobState state, long startMillis, long endMillis);
}
