package dev.enrich.client.internal;

import dev.enrich.client.EnrichApiException;
import dev.enrich.client.EnrichClientException;
import dev.enrich.client.JobEvent;
import dev.enrich.client.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Follow an SSE stream of the API as typed events, resuming after a dropped connection.
 *
 * <p>Each subscription keeps a cursor: the number of the last event it handed over. A connection that ends before
 * the stream's last event, fails on the network, stays silent past the idle timeout or is answered 429/502/503/504 is
 * opened again after a backoff (or the answer's Retry-After) with {@code Last-Event-ID: <cursor>}, and events not
 * after the cursor are dropped, so the subscriber gets each event once and in order whichever replica answers. A 204
 * answer says the stream had already ended. Demand flows through to the connection: nothing is read ahead beyond
 * the decoder's small prefetch.
 */
final class EventStreams {

    static final String LAST_EVENT_ID = "Last-Event-ID";
    /** The comment the service sends on a quiet stream. */
    private static final String HEARTBEAT = "heartbeat";
    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE =
            new ParameterizedTypeReference<>() {};

    private final WebClient web;
    private final Exchanges exchanges;
    private final Duration idleTimeout;
    private final RetryPolicy policy;

    EventStreams(WebClient web, Exchanges exchanges, Duration idleTimeout, RetryPolicy policy) {
        this.web = web;
        this.exchanges = exchanges;
        this.idleTimeout = idleTimeout;
        this.policy = policy;
    }

    /** Follow the stream at {@code path} until an event {@code ends} accepts (for ever when none does). */
    Flux<JobEvent> follow(Predicate<JobEvent> ends, String path, Object... variables) {
        return Flux.defer(() -> {
            Cursor cursor = new Cursor();
            Retry reconnects = Retries.ofLiveness(policy, EventStreams::resumable, Schedulers.parallel(),
                    () -> cursor.heard.getAndSet(false));
            return Flux.defer(() -> connect(cursor, path, variables))
                    .retryWhen(reconnects)
                    .takeUntil(ends);
        });
    }

    private Flux<JobEvent> connect(Cursor cursor, String path, Object[] variables) {
        long after = cursor.last.get();
        return exchanges.token()
                .flatMapMany(token -> web.get().uri(path, variables)
                        .headers(headers -> {
                            headers.setBearerAuth(token);
                            headers.setAccept(List.of(MediaType.TEXT_EVENT_STREAM));
                            if (after >= 0) {
                                headers.set(LAST_EVENT_ID, Long.toString(after));
                            }
                        })
                        .httpRequest(http -> Exchanges.timeout(http.getNativeRequest(), idleTimeout))
                        .exchangeToFlux(response -> events(response, cursor)))
                .doOnNext(sse -> {
                    if (HEARTBEAT.equals(sse.comment())) {
                        cursor.heard.set(true); // the connection lived a heartbeat interval: it worked
                    }
                })
                .filter(sse -> sse.data() != null) // comments: the opening line, heartbeats
                .map(sse -> EventReader.read(sse.event(), sse.data()))
                // A snapshot always counts: the server sends one when it no longer holds what the cursor asks for,
                // numbered as the stream is now, which may be below the cursor (a reset log); it restarts the count.
                .filter(event -> isSnapshot(event) || event.seq() > cursor.last.get())
                .doOnNext(event -> cursor.last.set(event.seq()))
                .concatWith(Flux.defer(() -> cursor.over.get() ? Flux.empty() : Flux.error(new StreamCutOff())));
    }

    private static Flux<ServerSentEvent<String>> events(ClientResponse response, Cursor cursor) {
        if (response.statusCode().isError()) {
            return Problems.of(response).flatMapMany(Flux::error);
        }
        if (response.statusCode().value() == HttpStatus.NO_CONTENT.value()) {
            cursor.over.set(true); // the cursor already covers the stream's end
            return response.releaseBody().thenMany(Flux.empty());
        }
        return response.bodyToFlux(SSE);
    }

    private static boolean isSnapshot(JobEvent event) {
        return event instanceof JobEvent.JobSnapshot || event instanceof JobEvent.BatchSnapshot
                || event instanceof JobEvent.UserSnapshot;
    }

    /** Return true for failures a reconnect may cure. */
    static boolean resumable(Throwable failure) {
        if (failure instanceof EnrichApiException api) {
            int status = api.status();
            return status == 429 || status == 502 || status == 503 || status == 504;
        }
        if (failure instanceof StreamCutOff || failure instanceof WebClientRequestException) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // Reset or closed connections, and silence past the idle timeout (Netty's ReadTimeoutException).
            if (t instanceof IOException || t instanceof TimeoutException
                    || t instanceof io.netty.handler.timeout.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where a subscription stands: the last event handed over (-1 for none), whether the stream is over, and whether
     * a heartbeat arrived since the last reconnect was counted.
     */
    private static final class Cursor {
        final AtomicLong last = new AtomicLong(-1);
        final AtomicBoolean over = new AtomicBoolean();
        final AtomicBoolean heard = new AtomicBoolean();
    }

    /** The connection ended before the stream's last event. */
    static final class StreamCutOff extends EnrichClientException {
        StreamCutOff() {
            super("The event stream was cut off and could not be resumed.");
        }
    }
}
