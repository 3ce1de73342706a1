package dev.enrich.ai;

import dev.enrich.config.AiProperties;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * Call an OpenAI-compatible HTTP API ({@code POST /audio/transcriptions}, {@code POST /chat/completions}) through
 * WebClient on Reactor Netty, without blocking any event loop.
 *
 * <p>Failures are signalled as {@link AiException}s: 408, 429, 500, 502, 503, 504, timeouts and broken connections
 * are TRANSIENT (with the provider's Retry-After when it sent one); every other status, a reply that is not the
 * expected JSON, and requests refused before sending (file too large, too many images) are PERMANENT. Error messages
 * never contain the API key. When {@link AiProperties#enabled()} is false every call fails PERMANENT at once.
 *
 * <p>Close the provider to release its connection pool (Spring does this for the bean).
 */
public final class OpenAiCompatibleProvider implements AiProvider, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenAiCompatibleProvider.class);

    /** Replies are small JSON documents; a transcription of a full upload is well under this. */
    private static final int MAX_REPLY_BYTES = 4 * 1024 * 1024;

    /** Providers close idle keep-alive connections after a while; do not reuse ones that may be gone. */
    private static final Duration MAX_IDLE = Duration.ofSeconds(20);

    private static final MediaType AUDIO_WAV = MediaType.parseMediaType("audio/wav");

    private final AiProperties properties;
    private final Clock clock;
    private final OpenAiWire wire;
    private final ConnectionProvider connections;
    private final WebClient client;

    /**
     * Create a provider for {@code properties}.
     *
     * @param builder a WebClient builder (cloned, not changed), e.g. Spring's, so codecs and observation apply
     * @param json the application's mapper, which writes request bodies and reads replies
     */
    public OpenAiCompatibleProvider(AiProperties properties, WebClient.Builder builder, JsonMapper json) {
        this(properties, builder, json, Clock.systemUTC());
    }

    OpenAiCompatibleProvider(AiProperties properties, WebClient.Builder builder, JsonMapper json, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.wire = new OpenAiWire(json);
        this.connections = ConnectionProvider.builder("enrich-ai").maxIdleTime(MAX_IDLE).build();
        HttpClient http = HttpClient.create(connections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        properties.connectTimeout().toMillis()))
                .responseTimeout(properties.responseTimeout());
        String apiKey = properties.apiKey();
        this.client = builder.clone()
                .baseUrl(properties.enabled() ? properties.baseUrl() : "http://disabled.invalid")
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(MAX_REPLY_BYTES))
                .defaultHeaders(headers -> {
                    if (!apiKey.isEmpty()) {
                        headers.setBearerAuth(apiKey);
                    }
                })
                .build();
    }

    @Override
    public boolean enabled() {
        return properties.enabled();
    }

    @Override
    public Mono<Transcription> transcribe(AiCall call, Path wav, double offsetSeconds) {
        if (!enabled()) {
            return Mono.error(DisabledAiProvider.notConfigured(OpenAiWire.TRANSCRIPTION));
        }
        // Reading the file size and WAV header is blocking file I/O: keep it off the event loops.
        Mono<Transcription> send = Mono.fromCallable(() -> audioSeconds(wav))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(seconds -> client.post()
                        .uri("/audio/transcriptions")
                        .contentType(MediaType.MULTIPART_FORM_DATA)
                        .accept(MediaType.APPLICATION_JSON)
                        .body(BodyInserters.fromMultipartData(transcriptionParts(wav)))
                        .exchangeToMono(response -> bodyOf(OpenAiWire.TRANSCRIPTION, response))
                        .map(body -> wire.parseTranscription(body, offsetSeconds, seconds)));
        return observe(OpenAiWire.TRANSCRIPTION, call, properties.models().transcription(), send);
    }

    @Override
    public Mono<ChatReply> chat(AiCall call, ChatRequest request) {
        if (!enabled()) {
            return Mono.error(DisabledAiProvider.notConfigured(OpenAiWire.CHAT));
        }
        String model = model(request.task());
        int images = request.messages().stream().mapToInt(m -> m.pngImages().size()).sum();
        if (images > properties.maxImagesPerCall()) {
            return Mono.error(AiErrors.refused(OpenAiWire.CHAT, images + " images, more than the limit of "
                    + properties.maxImagesPerCall() + " per call"));
        }
        Mono<ChatReply> send = Mono.fromCallable(() -> wire.chatBody(model, request))
                .flatMap(body -> client.post()
                        .uri("/chat/completions")
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchangeToMono(response -> bodyOf(OpenAiWire.CHAT, response)))
                .map(body -> wire.parseChat(body, model));
        return observe(OpenAiWire.CHAT, call, model, send);
    }

    /** Release the connection pool. */
    @Override
    public void close() {
        connections.dispose();
    }

    private String model(ChatRequest.Task task) {
        AiProperties.Models models = properties.models();
        return switch (task) {
            case SUMMARY -> models.summary();
            case VISION -> models.vision();
            case CANVAS -> models.canvas();
        };
    }

    private double audioSeconds(Path wav) {
        long size;
        try {
            size = Files.size(wav);
        } catch (IOException e) {
            throw AiErrors.refused(OpenAiWire.TRANSCRIPTION, "cannot read the audio file (" + e.getClass()
                    .getSimpleName() + ")");
        }
        long limit = properties.maxUploadSize().toBytes();
        if (size > limit) {
            throw AiErrors.refused(OpenAiWire.TRANSCRIPTION, "audio file has " + size
                    + " bytes, more than the limit of " + limit);
        }
        try {
            return WavHeader.seconds(wav);
        } catch (IOException e) {
            return -1;
        }
    }

    private MultiValueMap<String, HttpEntity<?>> transcriptionParts(Path wav) {
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        // The resource is streamed from disk by the multipart writer, never read whole into memory.
        parts.part("file", new FileSystemResource(wav)).contentType(AUDIO_WAV);
        parts.part("model", properties.models().transcription());
        parts.part("response_format", "verbose_json");
        parts.part("timestamp_granularities[]", "segment");
        return parts.build();
    }

    private Mono<String> bodyOf(String operation, ClientResponse response) {
        if (response.statusCode().is2xxSuccessful()) {
            return response.bodyToMono(String.class).defaultIfEmpty("");
        }
        int status = response.statusCode().value();
        String retryAfter = response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER);
        return response.bodyToMono(String.class)
                .onErrorReturn("")
                .defaultIfEmpty("")
                .flatMap(body -> Mono.error(AiErrors.fromStatus(operation, status, retryAfter,
                        wire.errorDetail(body), properties.apiKey(), clock.instant())));
    }

    private <T> Mono<T> observe(String operation, AiCall call, String model, Mono<T> send) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            Function<Throwable, Throwable> classify =
                    e -> AiErrors.fromFailure(operation, e, properties.apiKey());
            return send.onErrorMap(classify)
                    .doOnSuccess(result -> log.debug("{} succeeded: model={} stage={} job={} in {} ms", operation,
                            model, call.stage(), call.jobId(), millisSince(start)))
                    .doOnError(AiException.class, e -> log.debug(
                            "{} failed ({}): model={} stage={} job={} in {} ms: {}", operation, e.kind(), model,
                            call.stage(), call.jobId(), millisSince(start), e.getMessage()));
        });
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
