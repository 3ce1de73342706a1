package dev.enrich.client;

import dev.enrich.client.internal.ClientFactory;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Call the Enrich service: upload sessions, start enrichments, follow their events and read the typed results.
 *
 * <p>Every method is lazy and returns a cold publisher: nothing is sent until it is subscribed, and each subscription
 * sends the request anew. Error answers fail the publisher with an {@link EnrichApiException} subclass (status,
 * title, detail, Retry-After); a service that cannot be reached, with an {@link EnrichClientException}.
 *
 * <p>Idempotent calls (reads, deletes, and the submissions below, which carry an {@code Idempotency-Key}) are tried
 * again after a connection failure or a {@code 429}/{@code 503} answer, following the client's {@link RetryPolicy} and
 * the answer's {@code Retry-After}. Every POST sends a new {@code Idempotency-Key}, the same on each of its attempts,
 * so a retried submission never creates a second session, job or batch.
 *
 * <p>Instances are thread-safe; make one per service and share it.
 */
public interface EnrichClient {

    /**
     * Return a client for the service at {@code baseUrl} (e.g. {@code http://localhost:8080}) with default timeouts
     * and retries.
     */
    static EnrichClient create(String baseUrl, Credentials credentials) {
        return builder().baseUrl(baseUrl).credentials(credentials).build();
    }

    /** Return a client configured as {@code config} says. */
    static EnrichClient create(ClientConfig config) {
        return ClientFactory.create(config);
    }

    /** Start configuring a client: base URL and credentials are required, the rest has defaults. */
    static ClientConfig.Builder builder() {
        return new ClientConfig.Builder();
    }

    /**
     * Upload a session: its title, notes and transcript, and its audio, video and screenshot frames, streamed from
     * disk or from the given fluxes ({@code POST /api/v1/sessions}). Retried as an idempotent call only when every
     * media file can be read again ({@link MediaFile#replayable()}).
     */
    Mono<SessionRef> createSession(NewSession session);

    /** Start an enrichment of a session ({@code POST /api/v1/sessions/{id}/enrichments}). */
    Mono<JobRef> enrich(String sessionId, EnrichOptions options);

    /** Start an enrichment of every stage at interactive priority. */
    default Mono<JobRef> enrich(String sessionId) {
        return enrich(sessionId, EnrichOptions.defaults());
    }

    /**
     * Enrich several sessions as one batch, at batch priority ({@code POST /api/v1/batches}).
     *
     * @param stages the stages to run; empty for all
     */
    Mono<BatchRef> batch(List<String> sessionIds, Set<Stage> stages);

    /**
     * Follow a job's events: a {@link JobEvent.JobSnapshot} first, then what happens, completing after the
     * {@link JobEvent.Ended} event (at once after it, for a job that already ended).
     *
     * <p>A dropped connection is resumed with backoff and {@code Last-Event-ID}, on whichever replica answers: no
     * event is handed over twice or out of order, and none that the service still holds is lost. The flux fails
     * when the stream cannot be resumed within the client's stream {@link RetryPolicy}. Cancelling it closes the
     * connection. Demand is honoured: a slow subscriber makes the client stop reading, and the service then sends it
     * only the latest progress.
     */
    Flux<JobEvent> events(String jobId);

    /**
     * Follow a batch's events like {@link #events}: a {@link JobEvent.BatchSnapshot}, its jobs' events and
     * {@link JobEvent.BatchChanged} events, completing after the one that shows the batch finished.
     */
    Flux<JobEvent> batchEvents(String batchId);

    /**
     * Follow every job of the caller like {@link #events}: a {@link JobEvent.UserSnapshot}, then all their events.
     * Never completes by itself; cancel it to stop.
     */
    Flux<JobEvent> userEvents();

    /**
     * Wait for a job to end and return its session's results: follows {@link #events} to the end, then reads
     * {@link #job} and {@link #result}. Results are a session's latest enrichment's: when another job of the session
     * started meanwhile, they are that one's.
     *
     * @return the results; fails with {@link EnrichClientException} when the job's stream ended without the job
     *     having ended
     */
    Mono<EnrichmentResult> awaitResult(String jobId);

    /** Return a job's status ({@code GET /api/v1/jobs/{id}}). */
    Mono<JobStatus> job(String jobId);

    /** Return a batch's status ({@code GET /api/v1/batches/{id}}). */
    Mono<BatchStatus> batchStatus(String batchId);

    /** Return a session's latest enrichment and its results so far ({@code GET /api/v1/sessions/{id}/enrichment}). */
    Mono<EnrichmentResult> result(String sessionId);

    /**
     * Cancel a queued or running job ({@code DELETE /api/v1/jobs/{id}}); running stages stop within a second.
     *
     * @return the job as the cancel left it; fails with {@link ConflictException} when it had already ended
     */
    Mono<JobStatus> cancel(String jobId);

    /**
     * Run a failed, partial, cancelled or interrupted job again; stages that succeeded keep their results
     * ({@code POST /api/v1/jobs/{id}/retry}). Not retried automatically.
     *
     * @return the job, queued again; fails with {@link ConflictException} when it is running or completed
     */
    Mono<JobStatus> retry(String jobId);

    /**
     * Delete a session and everything made from it: its jobs (cancelled first), media, results and events
     * ({@code DELETE /api/v1/sessions/{id}}). Afterwards all of it answers 404, and so does a second delete. When an
     * attempt's answer is lost and the retry is answered 404, the earlier attempt did the deletion: the call completes.
     */
    Mono<Void> delete(String sessionId);
}
