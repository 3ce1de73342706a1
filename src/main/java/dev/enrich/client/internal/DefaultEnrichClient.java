package dev.enrich.client.internal;

import dev.enrich.client.BatchRef;
import dev.enrich.client.BatchStatus;
import dev.enrich.client.EnrichClient;
import dev.enrich.client.EnrichClientException;
import dev.enrich.client.EnrichOptions;
import dev.enrich.client.EnrichmentResult;
import dev.enrich.client.JobEvent;
import dev.enrich.client.JobRef;
import dev.enrich.client.JobStatus;
import dev.enrich.client.NewSession;
import dev.enrich.client.SessionRef;
import dev.enrich.client.Stage;
import dev.enrich.client.internal.Exchanges.Call;
import dev.enrich.client.internal.Exchanges.RetryMode;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Implement {@link EnrichClient}: each call is one {@link Exchanges.Call}, each stream an {@link EventStreams}. */
final class DefaultEnrichClient implements EnrichClient {

    private final Exchanges exchanges;
    private final EventStreams streams;

    DefaultEnrichClient(Exchanges exchanges, EventStreams streams) {
        this.exchanges = exchanges;
        this.streams = streams;
    }

    @Override
    public Mono<SessionRef> createSession(NewSession session) {
        Objects.requireNonNull(session, "session");
        return exchanges.send(Uploads.call(session), SessionRef.class);
    }

    @Override
    public Mono<JobRef> enrich(String sessionId, EnrichOptions options) {
        Objects.requireNonNull(options, "options");
        Map<String, Object> body = new LinkedHashMap<>();
        if (!options.stages().isEmpty()) {
            body.put("stages", options.stageIds());
        }
        body.put("priority", options.priority().id());
        return exchanges.send(Call.postJson("/api/v1/sessions/{id}/enrichments", body, RetryMode.IDEMPOTENT,
                        id(sessionId)), Wire.Accepted.class)
                .map(accepted -> new JobRef(accepted.jobId(), accepted.job()));
    }

    @Override
    public Mono<BatchRef> batch(List<String> sessionIds, Set<Stage> stages) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sessionIds", List.copyOf(sessionIds));
        if (!stages.isEmpty()) {
            body.put("stages", EnumSet.copyOf(stages).stream().map(Stage::id).toList());
        }
        return exchanges.send(Call.postJson("/api/v1/batches", body, RetryMode.IDEMPOTENT), Wire.BatchAccepted.class)
                .map(accepted -> new BatchRef(accepted.batchId(), accepted.jobIds()));
    }

    @Override
    public Flux<JobEvent> events(String jobId) {
        return streams.follow(JobEvent::isTerminal, "/api/v1/jobs/{id}/events", id(jobId));
    }

    @Override
    public Flux<JobEvent> batchEvents(String batchId) {
        return streams.follow(DefaultEnrichClient::batchEnded, "/api/v1/batches/{id}/events", id(batchId));
    }

    @Override
    public Flux<JobEvent> userEvents() {
        return streams.follow(event -> false, "/api/v1/events");
    }

    @Override
    public Mono<EnrichmentResult> awaitResult(String jobId) {
        return events(jobId).then(job(jobId)).flatMap(job -> job.state().isTerminal() ? result(job.sessionId())
                : Mono.error(new EnrichClientException("The job's event stream ended before the job did.")));
    }

    @Override
    public Mono<JobStatus> job(String jobId) {
        return exchanges.send(Call.get("/api/v1/jobs/{id}", id(jobId)), JobStatus.class);
    }

    @Override
    public Mono<BatchStatus> batchStatus(String batchId) {
        return exchanges.send(Call.get("/api/v1/batches/{id}", id(batchId)), BatchStatus.class);
    }

    @Override
    public Mono<EnrichmentResult> result(String sessionId) {
        return exchanges.send(Call.get("/api/v1/sessions/{id}/enrichment", id(sessionId)), EnrichmentResult.class);
    }

    @Override
    public Mono<JobStatus> cancel(String jobId) {
        return exchanges.send(Call.delete("/api/v1/jobs/{id}", id(jobId)), JobStatus.class);
    }

    @Override
    public Mono<JobStatus> retry(String jobId) {
        return exchanges.send(new Call(HttpMethod.POST, "/api/v1/jobs/{id}/retry", new Object[] {id(jobId)}, null,
                null, RetryMode.NEVER), JobStatus.class);
    }

    @Override
    public Mono<Void> delete(String sessionId) {
        return exchanges.send(Call.remove("/api/v1/sessions/{id}", id(sessionId))).then();
    }

    // A batch's stream ends with the batch event (or snapshot) that shows the batch finished.
    private static boolean batchEnded(JobEvent event) {
        return event instanceof JobEvent.BatchChanged changed && changed.batch().state().isTerminal()
                || event instanceof JobEvent.BatchSnapshot snapshot && snapshot.batch().state().isTerminal();
    }

    private static String id(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        return id;
    }
}
