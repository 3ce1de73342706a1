package dev.enrich.stage.summary;

import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatReply;
import dev.enrich.ai.ChatRequest;
import dev.enrich.ai.OpenAiCompatibleProvider;
import dev.enrich.ai.Transcription;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.backend.memory.InMemoryCostLedger;
import dev.enrich.config.AiProperties;
import dev.enrich.cost.Budgets;
import dev.enrich.cost.CostProperties;
import dev.enrich.cost.MeteredAiProvider;
import dev.enrich.cost.ModelNames;
import dev.enrich.cost.PriceTable;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import dev.enrich.testing.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Build real AI providers against a {@link FakeOpenAiServer}, and stage contexts, for the AI stage tests. */
public final class AiStageFixtures {

    public static final String SUMMARY_MODEL = "summary-model";
    public static final String CANVAS_MODEL = "canvas-model";
    public static final String TENANT = "acme";
    public static final String SESSION_ID = "s-1";
    /** Words that must never reach a user. */

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AiStageFixtures() {}

    /** Return a real provider talking to {@code server}, one model per task, giving up after {@code timeout}. */
    public static OpenAiCompatibleProvider provider(FakeOpenAiServer server, Duration timeout) {
        AiProperties.Models models = new AiProperties.Models("whisper-1", SUMMARY_MODEL, "vision-model", CANVAS_MODEL);
        return new OpenAiCompatibleProvider(new AiProperties(server.baseUrl(), "test-key", models,
                Duration.ofSeconds(5), timeout, DataSize.ofMegabytes(24), 4), WebClient.builder(), Json.mapper());
    }

    /** Return {@code delegate} metered with a zero budget for every tenant: every call is refused. */
    public static AiProvider withoutBudget(AiProvider delegate) {
        InMemoryCostLedger ledger = new InMemoryCostLedger(100, 100, 30);
        Clock clock = Clock.systemUTC();
        Budgets budgets = new Budgets(new CostProperties.Budgets(BigDecimal.ZERO, BigDecimal.ZERO, null), ledger,
                clock);
        return new MeteredAiProvider(delegate, new ModelNames("whisper-1", Map.of(
                ChatRequest.Task.SUMMARY, SUMMARY_MODEL, ChatRequest.Task.CANVAS, CANVAS_MODEL)),
                new PriceTable("USD", CostProperties.EXAMPLE_PRICES), budgets, ledger, new SimpleMeterRegistry(),
                clock);
    }

    /**
     * Return {@code delegate} with every chat reply's content replaced by {@code content}: the request still goes to
     * the fake server, the model's answer is scripted (hostile or malformed output).
     */
    public static AiProvider replying(AiProvider delegate, String content) {
        return new AiProvider() {
            @Override
            public boolean enabled() {
                return delegate.enabled();
            }

            @Override
            public Mono<Transcription> transcribe(AiCall call, Path wav, double offsetSeconds) {
                return delegate.transcribe(call, wav, offsetSeconds);
            }

            @Override
            public Mono<ChatReply> chat(AiCall call, ChatRequest request) {
                return delegate.chat(call, request)
                        .map(r -> new ChatReply(content, r.model(), r.inputTokens(), r.outputTokens()));
            }
        };
    }

    /** Return {@code value} as JSON text. */
    public static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** Return a context for {@code jobId} over a session with {@code notes} and the given upstream results. */
    public static StageContext context(String jobId, String title, @Nullable String notes, StageResult... upstream) {
        Map<StageName, StageResult> results = new EnumMap<>(StageName.class);
        for (StageResult r : upstream) {
            results.put(r.stage(), r);
        }
        Session session = new Session(SESSION_ID, TENANT, title, notes == null ? null : SessionText.inline(notes), null,
                List.of(), Instant.parse("2025-03-04T09:30:00Z"));
        return new StageContext(jobId, session, results, new NoMedia());
    }

    /** Return every update of a stage run. */
    public static List<StageUpdate> updates(Stage stage, StageContext context) {
        return stage.run(context).collectList().block(Duration.ofSeconds(30));
    }

    /** Return the result of a stage run. */
    public static StageResult result(Stage stage, StageContext context) {
        List<StageUpdate> updates = updates(stage, context);
        return ((StageUpdate.Done) updates.get(updates.size() - 1)).result();
    }

    /** Stages under test never open media. */
    static final class NoMedia implements MediaStore {
        @Override
        public Mono<Stored> store(String tenant, String sessionId, Flux<DataBuffer> content, long maxBytes) {
            return Mono.error(new UnsupportedOperationException());
        }

        @Override
        public InputStream open(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<Void> deleteSession(String tenant, String sessionId) {
            return Mono.error(new UnsupportedOperationException());
        }
    }
}
