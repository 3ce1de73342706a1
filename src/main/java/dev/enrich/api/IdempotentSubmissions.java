package dev.enrich.api;

import dev.enrich.config.EnrichProperties;
import dev.enrich.config.IdempotencyProperties;
import dev.enrich.engine.EnrichException;
import dev.enrich.idempotency.IdempotencyStore;
import dev.enrich.idempotency.StoredResponse;
import dev.enrich.reactive.Ticks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.Part;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Run a submission (the POST of a session, an enrichment or a batch) once per {@code Idempotency-Key} of its tenant,
 * as the IETF httpapi draft describes:
 * <ul>
 *   <li>the first request with a key claims it, runs, and its response is kept for {@code enrich.idempotency.ttl};
 *   <li>a retry with the same key and the same request gets that response again (same status, headers and body,
 *       plus {@code Idempotent-Replayed: true}), and nothing new is created;
 *   <li>the same key with a different request answers 422; while the first request runs, 409 with
 *       {@code Retry-After};
 *   <li>a first request that fails (any 4xx or 5xx) created nothing, so it keeps nothing: the key is released and
 *       a retry runs afresh. So does a first request whose client went away.
 * </ul>
 * A request without the header runs as before. A running request renews its claim every third of
 * {@code enrich.idempotency.lease}; only the claim of a replica that died runs out.
 */
@Component
class IdempotentSubmissions {

    /** The header a replayed response carries. */
    static final String REPLAYED = "Idempotent-Replayed";

    static final String IN_PROGRESS = "A request with this Idempotency-Key is still in progress. Please retry shortly.";
    static final String REUSED = "This Idempotency-Key was already used for a different request. "
            + "Please use a new key for a new request.";

    private static final Logger log = LoggerFactory.getLogger(IdempotentSubmissions.class);

    private final IdempotencyStore store;
    private final IdempotencyProperties settings;
    private final UploadParts uploads;
    private final JsonMapper json;
    private final JsonMapper canonical;
    private final Duration maxRetryAfter;

    IdempotentSubmissions(IdempotencyStore store, IdempotencyProperties settings, UploadParts uploads,
            JsonMapper json, EnrichProperties props) {
        this.store = store;
        this.settings = settings;
        this.uploads = uploads;
        this.json = json;
        this.canonical = json.rebuild().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();
        this.maxRetryAfter = props.pool().retryAfter();
    }

    /**
     * Run {@code work} for a request whose JSON body was read into {@code request}: once per key, when the request
     * has one. The request is fingerprinted by its method, path and {@code request} as canonical JSON (sorted keys,
     * no whitespace).
     */
    <T> Mono<ResponseEntity<?>> json(ServerWebExchange exchange, String tenant, Object request,
            Supplier<Mono<ResponseEntity<T>>> work) {
        Optional<String> key = IdempotencyKey.of(exchange.getRequest().getHeaders());
        if (key.isEmpty()) {
            return work.get().map(Function.identity());
        }
        String fingerprint = Fingerprint.json(requestLine(exchange),
                canonical.writeValueAsBytes(canonical.valueToTree(request)));
        return submit(tenant, key.get(), () -> work.get().map(entity -> stored(fingerprint, entity)),
                () -> Mono.just(fingerprint));
    }

    /**
     * Read the parts of a multipart request ({@link UploadParts}) and run {@code work} on them: once per key, when
     * the request has one. The request is fingerprinted by its method, path and parts ({@link PartDigests}), digested
     * as {@code work} reads them; a retry of a completed request is read and digested, and its parts discarded.
     */
    <T> Mono<ResponseEntity<?>> multipart(ServerWebExchange exchange, String tenant,
            Function<MultiValueMap<String, Part>, Mono<ResponseEntity<T>>> work) {
        Optional<String> key = IdempotencyKey.of(exchange.getRequest().getHeaders());
        if (key.isEmpty()) {
            return uploads.use(exchange, work).map(Function.identity());
        }
        String line = requestLine(exchange);
        return submit(tenant, key.get(),
                () -> uploads.use(exchange, parts -> {
                    PartDigests digests = PartDigests.of(parts);
                    return work.apply(digests.parts())
                            .flatMap(entity -> digests.fingerprint(line).map(print -> stored(print, entity)));
                }),
                () -> uploads.use(exchange, parts -> PartDigests.of(parts).fingerprint(line)));
    }

    private Mono<ResponseEntity<?>> submit(String tenant, String key, Supplier<Mono<StoredResponse>> first,
            Supplier<Mono<String>> fingerprint) {
        return store.claim(tenant, key, settings.lease()).flatMap(claim -> {
            if (claim instanceof IdempotencyStore.Acquired acquired) {
                return once(tenant, key, acquired.token(), first.get()).map(response -> respond(response, false));
            }
            if (claim instanceof IdempotencyStore.Completed completed) {
                StoredResponse response = completed.response();
                return fingerprint.get().map(print -> {
                    if (!print.equals(response.fingerprint())) {
                        throw new EnrichException(EnrichException.Kind.UNPROCESSABLE, REUSED);
                    }
                    return respond(response, true);
                });
            }
            Duration remaining = ((IdempotencyStore.InFlight) claim).remaining();
            return Mono.error(new EnrichException(EnrichException.Kind.CONFLICT, IN_PROGRESS, retryAfter(remaining)));
        });
    }

    // Keep the response once the work succeeded; release the key when it failed or its client went away.
    private Mono<StoredResponse> once(String tenant, String key, String token, Mono<StoredResponse> work) {
        // Stopped from the request's thread when the work ends: Ticks, so that no renewal is interrupted mid-write.
        Duration third = settings.lease().dividedBy(3);
        Mono<StoredResponse> renewing = Ticks.every(third, third, Schedulers.parallel())
                .concatMap(tick -> store.renew(tenant, key, token, settings.lease())
                        .onErrorResume(e -> {
                            log.warn("could not renew an Idempotency-Key claim: {}", e.toString());
                            return Mono.empty();
                        }))
                .then(Mono.never());
        return Mono.usingWhen(Mono.just(token),
                held -> Mono.firstWithSignal(work, renewing).flatMap(response -> keep(tenant, key, token, response)),
                held -> Mono.empty(),
                (held, error) -> release(tenant, key, token),
                held -> release(tenant, key, token));
    }

    private Mono<StoredResponse> keep(String tenant, String key, String token, StoredResponse response) {
        return store.complete(tenant, key, token, response, settings.ttl())
                .doOnNext(kept -> {
                    if (!kept) {
                        log.warn("an Idempotency-Key claim ran out before its request ended (lease {})",
                                settings.lease());
                    }
                })
                .onErrorResume(e -> {
                    // What was created stays created: answer it; only a retry of it would run again.
                    log.warn("could not keep the response to an Idempotency-Key: {}", e.toString());
                    return Mono.empty();
                })
                .thenReturn(response);
    }

    private Mono<Void> release(String tenant, String key, String token) {
        return store.release(tenant, key, token).onErrorResume(e -> {
            log.warn("could not release an Idempotency-Key claim; it runs out with its lease: {}", e.toString());
            return Mono.empty();
        });
    }

    private StoredResponse stored(String fingerprint, ResponseEntity<?> entity) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        entity.getHeaders().forEach(headers::put);
        return new StoredResponse(fingerprint, entity.getStatusCode().value(), headers,
                json.writeValueAsString(entity.getBody()));
    }

    private static ResponseEntity<?> respond(StoredResponse response, boolean replayed) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(response.status());
        response.headers().forEach((name, values) -> builder.header(name, values.toArray(String[]::new)));
        builder.contentType(MediaType.APPLICATION_JSON);
        if (replayed) {
            builder.header(REPLAYED, "true");
        }
        return builder.body(response.body().getBytes(StandardCharsets.UTF_8));
    }

    // The time left on the first request's claim, in whole seconds: at least 1, at most enrich.pool.retry-after.
    private Duration retryAfter(Duration remaining) {
        long seconds = Math.max(1, (remaining.toMillis() + 999) / 1000);
        return Duration.ofSeconds(Math.min(seconds, Math.max(1, maxRetryAfter.toSeconds())));
    }

    private static String requestLine(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        return request.getMethod().name() + " " + request.getPath().pathWithinApplication().value();
    }
}
