package dev.enrich.ai.fake;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answer OpenAI-compatible requests on 127.0.0.1 with plausible bodies and usage fields, with configurable latency and
 * faults; a real HTTP server for contract tests, demos and load tests.
 *
 * <p>Endpoints, under {@code /v1} and under the root alike: {@code POST /audio/transcriptions} (multipart; a
 * {@code verbose_json} transcript with one segment per 4 s of the uploaded WAV), {@code POST /chat/completions}
 * (a JSON object with title, summary, highlights, actionItems and keywords in JSON mode; a caption when images are
 * sent; otherwise text) and {@code GET /models}. Every request is recorded before any fault is applied.
 *
 * <p>Faults come first from {@link #failNext} (in order), then at random with {@link Options#faultRate()} among
 * {@link Options#faultKinds()}, drawn from a seeded {@link Random}.
 *
 * <p>Run on its own: {@code main [port [latencyMs [faultRate [seed]]]]}; port 0 picks a free port.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /** Name a way the fake can fail a request. */
    public enum Fault {
        /** 429 with a Retry-After header ({@link Options#retryAfter()}). */
        RATE_LIMITED,
        /** 500. */
        SERVER_ERROR,
        /** 503. */
        UNAVAILABLE,
        /** Never answer; the connection stays open until the client gives up. */
        TIMEOUT,
        /** Close the connection with a TCP reset before answering. */
        RESET,
        /** 200 with a body that is not valid JSON. */
        MALFORMED_JSON
    }

    /** Say what usage chat replies report. */
    public enum Usage {
        /** Tokens counted from the prompt and the reply, roughly as a tokenizer would. */
        PLAUSIBLE,
        /** The most an honest provider may report: every prompt byte a token, and all of the request's max_tokens. */
        MAXIMAL,
        /** A provider ignoring max_tokens: prompt as MAXIMAL, {@link #HUGE_COMPLETION_TOKENS} completion tokens. */
        HUGE
    }

    /** Completion tokens reported with {@link Usage#HUGE}. */
    public static final long HUGE_COMPLETION_TOKENS = 1_000_000;

    /**
     * Configure a server.
     *
     * @param port the port; 0 picks a free one
     * @param latency added before every answer
     * @param faultRate the chance (0..1) that a request gets a random fault
     * @param faultKinds the faults drawn at random
     * @param seed seeds fault draws and generated text
     * @param apiKey when set, requests without {@code Authorization: Bearer <apiKey>} get 401
     * @param retryAfter the Retry-After value sent with 429 (seconds or an HTTP-date)
     */
    public record Options(int port, Duration latency, double faultRate, Set<Fault> faultKinds, long seed,
            @Nullable String apiKey, String retryAfter) {

        public Options {
            if (faultRate < 0 || faultRate > 1) {
                throw new IllegalArgumentException("faultRate must be in 0..1, but was " + faultRate);
            }
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must be >= 0, but was " + latency);
            }
            faultKinds = faultKinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(faultKinds));
        }

        /** Return options for a free port, no latency, no faults, no authentication. */
        public static Options defaults() {
            return new Options(0, Duration.ZERO, 0, EnumSet.allOf(Fault.class), 42, null, "1");
        }

        /** Return a copy that requires {@code key}. */
        public Options withApiKey(String key) {
            return new Options(port, latency, faultRate, faultKinds, seed, key, retryAfter);
        }

        /** Return a copy that sends {@code value} as Retry-After with 429. */
        public Options withRetryAfter(String value) {
            return new Options(port, latency, faultRate, faultKinds, seed, apiKey, value);
        }
    }

    private final Options options;
    private final Random random;
    private final AtomicLong ids = new AtomicLong();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Deque<Fault> scripted = new ArrayDeque<>();
    private volatile Usage usage = Usage.PLAUSIBLE;
    private volatile @Nullable Pace pace;
    private volatile @Nullable Hold held;
    private @Nullable DisposableServer server;

    private FakeOpenAiServer(Options options) {
        this.options = options;
        this.random = new Random(options.seed());
    }

    /** Start a server with {@code options}. */
    public static FakeOpenAiServer start(Options options) {
        FakeOpenAiServer fake = new FakeOpenAiServer(options);
        fake.server = HttpServer.create()
                .host("127.0.0.1")
                .port(options.port())
                .handle(fake::handle)
                .bindNow(Duration.ofSeconds(10));
        return fake;
    }

    /** Start a server with default options. */
    public static FakeOpenAiServer start() {
        return start(Options.defaults());
    }

    /** Return the bound port. */
    public int port() {
        return running().port();
    }

    /** Return the base URL to configure as {@code enrich.ai.base-url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** Fail the next requests with {@code faults}, in order, before any random fault. */
    public void failNext(Fault... faults) {
        synchronized (scripted) {
            scripted.addAll(List.of(faults));
        }
    }

    /**
     * Answer more slowly the more there is to do, as a real provider does, from now on: on top of the fixed latency,
     * {@code perAudioSecond} for every second of an uploaded WAV, {@code perThousandChars} for every 1,000 characters
     * of chat text (an image counts as 1,000), each answer's extra time drawn within +-{@code jitter} (0..1) of that.
     */
    public void paceByWork(Duration perAudioSecond, Duration perThousandChars, double jitter) {
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be in 0..1, but was " + jitter);
        }
        pace = new Pace(perAudioSecond, perThousandChars, jitter);
    }

    /** Report {@code usage} in the chat replies from now on. */
    public void reportUsage(Usage usage) {
        this.usage = usage;
    }

    /**
     * Hold the answers to requests whose route ends with {@code route} (e.g. {@code /chat/completions}) until
     * {@link #release()}: they are recorded on arrival, as always, and answered only then. A test controls with it
     * where a job is when it strikes (a replica killed while its call is in flight).
     */
    public void hold(String route) {
        held = new Hold(route, Sinks.empty());
    }

    /** Answer the held requests and stop holding. */
    public void release() {
        Hold hold = held;
        held = null;
        if (hold != null) {
            hold.gate().tryEmitEmpty();
        }
    }

    /** Return how many requests arrived on a route ending with {@code route}. */
    public long count(String route) {
        return requests.stream().filter(r -> r.path().endsWith(route)).count();
    }

    private record Hold(String route, Sinks.Empty<Void> gate) {}

    private record Pace(Duration perAudioSecond, Duration perThousandChars, double jitter) {}

    /** Return every request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Return the latest request. */
    public RecordedRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new IllegalStateException("no request received");
        }
        return requests.get(requests.size() - 1);
    }

    /** Stop the server, closing open connections. */
    @Override
    public void close() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
        }
    }

    private DisposableServer running() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server;
    }

    private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        String path = request.fullPath();
        String route = path.startsWith("/v1/") ? path.substring(3) : path;
        Map<String, String> headers = new LinkedHashMap<>();
        request.requestHeaders().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        String contentType = headers.getOrDefault("content-type", "");
        Mono<RecordedRequest> received = contentType.startsWith("multipart/form-data")
                ? receiveMultipart(request, path, headers)
                : request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(body -> new RecordedRequest(request.method().name(), path, headers, Map.of(), List.of(),
                                parseJson(body)));
        return received.flatMap(recorded -> {
            requests.add(recorded);
            Fault fault = nextFault();
            Mono<Void> answer = fault != null ? fail(fault, request, response)
                    : !authorized(headers) ? send(response, HttpResponseStatus.UNAUTHORIZED, FakeReplies.error(
                            "Incorrect API key provided.", "invalid_request_error", "invalid_api_key").toString())
                    : answer(route, recorded, response);
            Duration latency = options.latency().plus(workTime(recorded));
            Mono<Void> delayed = latency.isZero() ? answer : Mono.delay(latency).then(answer);
            Hold hold = held;
            return hold != null && route.endsWith(hold.route()) ? hold.gate().asMono().then(delayed) : delayed;
        });
    }

    private Mono<RecordedRequest> receiveMultipart(HttpServerRequest request, String path,
            Map<String, String> headers) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        List<RecordedRequest.Upload> files = new ArrayList<>();
        // -1 keeps every part in memory: the fake never writes to disk on an event loop.
        return request.receiveForm(form -> form.maxInMemorySize(-1))
                .doOnNext(data -> {
                    if (data instanceof FileUpload upload) {
                        byte[] bytes = bytes(upload);
                        files.add(new RecordedRequest.Upload(upload.getName(), upload.getFilename(),
                                upload.getContentType(), bytes.length, FakeReplies.wavSeconds(bytes)));
                    } else {
                        fields.computeIfAbsent(data.getName(), k -> new ArrayList<>()).add(string(data));
                    }
                })
                .then(Mono.fromSupplier(
                        () -> new RecordedRequest(request.method().name(), path, headers, fields, files, null)));
    }

    private Mono<Void> answer(String route, RecordedRequest recorded, HttpServerResponse response) {
        String method = recorded.method();
        if ("GET".equals(method) && "/models".equals(route)) {
            return send(response, HttpResponseStatus.OK, FakeReplies.models().toString());
        }
        if ("POST".equals(method) && "/audio/transcriptions".equals(route)) {
            if (recorded.files().isEmpty() || !recorded.fields().containsKey("model")) {
                return badRequest(response, "file and model are required");
            }
            double seconds = recorded.files().get(0).wavSeconds();
            Random textRandom = new Random(options.seed() ^ Double.doubleToLongBits(seconds));
            var body = FakeReplies.transcription(seconds, textRandom);
            List<String> format = recorded.fields().getOrDefault("response_format", List.of("json"));
            if (!format.contains("verbose_json")) {
                return send(response, HttpResponseStatus.OK,
                        FakeReplies.JSON.createObjectNode().put("text", body.path("text").asString()).toString());
            }
            return send(response, HttpResponseStatus.OK, body.toString());
        }
        if ("POST".equals(method) && "/chat/completions".equals(route)) {
            JsonNode json = recorded.json();
            if (json == null || !json.path("model").isString() || !json.path("messages").isArray()) {
                return badRequest(response, "model and messages are required");
            }
            ObjectNode reply = FakeReplies.chat(json, ids.incrementAndGet());
            Usage reported = usage;
            if (reported != Usage.PLAUSIBLE) {
                FakeReplies.withUsage(reply, json, reported == Usage.HUGE ? HUGE_COMPLETION_TOKENS : -1);
            }
            return send(response, HttpResponseStatus.OK, reply.toString());
        }
        return send(response, HttpResponseStatus.NOT_FOUND,
                FakeReplies.error("Unknown request URL: " + method + " " + recorded.path(), "invalid_request_error",
                        "unknown_url").toString());
    }

    private Mono<Void> fail(Fault fault, HttpServerRequest request, HttpServerResponse response) {
        return switch (fault) {
            case RATE_LIMITED -> {
                response.header("Retry-After", options.retryAfter());
                yield send(response, HttpResponseStatus.TOO_MANY_REQUESTS, FakeReplies.error(
                        "Rate limit reached; try again later.", "requests", "rate_limit_exceeded").toString());
            }
            case SERVER_ERROR -> send(response, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    FakeReplies.error("The server had an error.", "server_error", "internal_error").toString());
            case UNAVAILABLE -> send(response, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    FakeReplies.error("The engine is currently overloaded.", "server_error", "overloaded")
                            .toString());
            case TIMEOUT -> Mono.never();
            case RESET -> {
                // SO_LINGER 0 makes close() send a TCP RST instead of a FIN.
                request.withConnection(connection -> {
                    connection.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    connection.channel().close();
                });
                yield Mono.never();
            }
            case MALFORMED_JSON -> send(response, HttpResponseStatus.OK, "{\"choices\": [{\"message\": ");
        };
    }

    private Duration workTime(RecordedRequest recorded) {
        Pace p = pace;
        if (p == null) {
            return Duration.ZERO;
        }
        double nanos = 0;
        for (RecordedRequest.Upload upload : recorded.files()) {
            nanos += Math.max(0, upload.wavSeconds()) * p.perAudioSecond().toNanos();
        }
        JsonNode json = recorded.json();
        if (json != null) {
            nanos += chatChars(json.path("messages")) / 1000.0 * p.perThousandChars().toNanos();
        }
        double draw;
        synchronized (scripted) {
            draw = random.nextDouble() * 2 - 1;
        }
        return Duration.ofNanos(Math.round(nanos * (1 + p.jitter() * draw)));
    }

    private static long chatChars(JsonNode messages) {
        long chars = 0;
        for (JsonNode message : messages) {
            JsonNode content = message.path("content");
            if (content.isString()) {
                chars += content.asString().length();
            }
            for (JsonNode part : content.isArray() ? content : FakeReplies.JSON.createArrayNode()) {
                chars += part.path("text").isString() ? part.path("text").asString().length() : 1000;
            }
        }
        return chars;
    }

    private @Nullable Fault nextFault() {
        synchronized (scripted) {
            if (!scripted.isEmpty()) {
                return scripted.poll();
            }
            List<Fault> kinds = options.faultKinds().isEmpty() ? List.of()
                    : List.copyOf(EnumSet.copyOf(options.faultKinds()));
            if (kinds.isEmpty() || options.faultRate() == 0 || random.nextDouble() >= options.faultRate()) {
                return null;
            }
            return kinds.get(random.nextInt(kinds.size()));
        }
    }

    private boolean authorized(Map<String, String> headers) {
        return options.apiKey() == null || ("Bearer " + options.apiKey()).equals(headers.get("authorization"));
    }

    private static Mono<Void> badRequest(HttpServerResponse response, String message) {
        return send(response, HttpResponseStatus.BAD_REQUEST,
                FakeReplies.error(message, "invalid_request_error", "invalid_request").toString());
    }

    private static Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, String body) {
        return response.status(status)
                .header("Content-Type", "application/json")
                .sendString(Mono.just(body), StandardCharsets.UTF_8)
                .then();
    }

    private static @Nullable JsonNode parseJson(String body) {
        if (body.isBlank()) {
            return null;
        }
        try {
            return FakeReplies.JSON.readTree(body);
        } catch (JacksonException notJson) {
            return null;
        }
    }

    private static byte[] bytes(HttpData data) {
        try {
            return data.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String string(HttpData data) {
        try {
            return data.getString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Run the fake server until killed.
     *
     * @param args {@code [port [latencyMs [faultRate [seed [msPerAudioSecond [msPerThousandChars [jitter]]]]]]]};
     *     defaults 11434, 0, 0, 42, and no pacing by work ({@link #paceByWork})
     */
    public static void main(String[] args) {
        Options defaults = Options.defaults();
        Options options = new Options(
                args.length > 0 ? Integer.parseInt(args[0]) : 11434,
                Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 0),
                args.length > 2 ? Double.parseDouble(args[2]) : 0,
                defaults.faultKinds(),
                args.length > 3 ? Long.parseLong(args[3]) : defaults.seed(),
                null,
                defaults.retryAfter());
        FakeOpenAiServer fake = start(options);
        if (args.length > 4) {
            fake.paceByWork(Duration.ofNanos(Math.round(Double.parseDouble(args[4]) * 1e6)),
                    Duration.ofNanos(Math.round((args.length > 5 ? Double.parseDouble(args[5]) : 0) * 1e6)),
                    args.length > 6 ? Double.parseDouble(args[6]) : 0);
        }
        System.out.println("Fake OpenAI-compatible server on " + fake.baseUrl() + " (latency " + options.latency()
                .toMillis() + " ms, fault rate " + options.faultRate() + ", seed " + options.seed() + ")");
        System.out.println("Start Enrich with: ENRICH_AI_BASE_URL=" + fake.baseUrl() + " ./mvnw spring-boot:run");
        fake.running().onDispose().block();
    }
}
