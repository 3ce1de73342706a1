package dev.enrich.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.ai.fake.RecordedRequest;
import dev.enrich.config.AiProperties;
import dev.enrich.pipeline.StageName;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Check the exact requests the provider sends and how it reads the replies, against the fake server on loopback. */
class OpenAiCompatibleProviderContractTest {

    static final String KEY = "sk-contract-test-0123456789";
    static final AiCall CALL = new AiCall("tenant-1", "session-1", "job-1", StageName.SUMMARY);
    static final Duration WAIT = Duration.ofSeconds(10);
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final ChatRequest HELLO = new ChatRequest(ChatRequest.Task.SUMMARY,
            List.of(ChatRequest.Message.of("user", "hi")), false, 5);

    @TempDir
    Path dir;

    FakeOpenAiServer fake;
    OpenAiCompatibleProvider provider;

    @BeforeEach
    void start() {
        fake = FakeOpenAiServer.start(FakeOpenAiServer.Options.defaults().withApiKey(KEY));
        use(AiProperties.of(fake.baseUrl(), KEY));
    }

    @AfterEach
    void stop() {
        provider.close();
        fake.close();
    }

    @Test
    void transcriptionSendsTheWavAsMultipartWithModelAndVerboseJson() throws IOException {
        Path wav = Files.write(dir.resolve("chunk-0.wav"), Fixtures.wav(10, 8000));

        StepVerifier.create(provider.transcribe(CALL, wav, 0)).expectNextCount(1).expectComplete().verify(WAIT);

        RecordedRequest request = fake.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/audio/transcriptions");
        assertThat(request.header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.header("content-type")).matches("multipart/form-data; ?boundary=.+");
        assertThat(request.fields()).containsExactly(
                entry("model", List.of("whisper-1")),
                entry("response_format", List.of("verbose_json")),
                entry("timestamp_granularities[]", List.of("segment")));
        assertThat(request.files()).singleElement().satisfies(file -> {
            assertThat(file.name()).isEqualTo("file");
            assertThat(file.filename()).isEqualTo("chunk-0.wav");
            assertThat(file.contentType()).isEqualTo("audio/wav");
            assertThat(file.size()).isEqualTo(Files.size(wav));
            assertThat(file.wavSeconds()).isEqualTo(10.0);
        });
    }

    @Test
    void transcriptionSegmentsAreShiftedByTheChunkOffset() throws IOException {
        Path wav = Files.write(dir.resolve("chunk-1.wav"), Fixtures.wav(10, 8000));

        StepVerifier.create(provider.transcribe(CALL, wav, 30))
                .assertNext(transcription -> {
                    assertThat(transcription.audioSeconds()).isEqualTo(10.0);
                    assertThat(transcription.segments()).extracting(Transcription.Segment::start)
                            .containsExactly(30.0, 34.0, 38.0);
                    assertThat(transcription.segments()).extracting(Transcription.Segment::end)
                            .containsExactly(34.0, 38.0, 40.0);
                    assertThat(transcription.segments()).allSatisfy(s -> assertThat(s.text())
                            .isNotBlank().isEqualTo(s.text().trim()));
                    assertThat(transcription.text()).startsWith(transcription.segments().get(0).text());
                })
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void largeUploadsStreamFromDiskWithoutBlockingAnEventLoop() throws IOException {
        Path wav = Files.write(dir.resolve("long.wav"), Fixtures.wav(300, 8000));

        StepVerifier.create(provider.transcribe(CALL, wav, 0))
                .assertNext(t -> assertThat(t.segments()).hasSize(75))
                .expectComplete()
                .verify(WAIT);
        assertThat(fake.lastRequest().files().get(0).size()).isEqualTo(Files.size(wav));
    }

    @Test
    void fileOverTheUploadLimitIsRefusedBeforeSending() throws IOException {
        Path wav = Files.write(dir.resolve("big.wav"), Fixtures.wav(2, 8000));
        use(AiProperties.of(fake.baseUrl(), KEY).withMaxUploadSize(DataSize.ofKilobytes(10)));

        StepVerifier.create(provider.transcribe(CALL, wav, 0))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(AiException.class,
                        ai -> assertThat(ai.kind()).isEqualTo(AiException.Kind.PERMANENT)))
                .verify(WAIT);
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void missingAudioFileIsAPermanentFailure() {
        StepVerifier.create(provider.transcribe(CALL, dir.resolve("absent.wav"), 0))
                .expectErrorSatisfies(e -> assertThat(((AiException) e).kind()).isEqualTo(AiException.Kind.PERMANENT))
                .verify(WAIT);
    }

    @Test
    void jsonChatSendsModelMessagesResponseFormatAndMaxTokens() {
        ChatRequest request = new ChatRequest(ChatRequest.Task.SUMMARY, List.of(
                ChatRequest.Message.of("system", "Answer with a JSON object."),
                ChatRequest.Message.of("user", "The team will ship the beta release next week.")), true, 400);

        expectReply(request);

        RecordedRequest recorded = fake.lastRequest();
        assertThat(recorded.path()).isEqualTo("/v1/chat/completions");
        assertThat(recorded.header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(recorded.header("content-type")).isEqualTo("application/json");
        assertThat(recorded.json()).isEqualTo(JSON.readTree("""
                {"model": "gpt-4o-mini",
                 "messages": [
                   {"role": "system", "content": "Answer with a JSON object."},
                   {"role": "user", "content": "The team will ship the beta release next week."}],
                 "response_format": {"type": "json_object"},
                 "max_tokens": 400}
                """));
    }

    @Test
    void imagesAreSentAsDataUrlContentParts() {
        byte[] png = Fixtures.png(7);
        ChatRequest request = new ChatRequest(ChatRequest.Task.VISION, List.of(
                new ChatRequest.Message("user", "Describe these frames.", List.of(png, png))), false, 120);

        StepVerifier.create(provider.chat(CALL, request))
                .assertNext(reply -> assertThat(reply.content()).startsWith("A screen sequence of 2 frames"))
                .expectComplete()
                .verify(WAIT);

        String url = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        JsonNode body = fake.lastRequest().json();
        assertThat(body).isEqualTo(JSON.readTree("""
                {"model": "gpt-4o-mini",
                 "messages": [{"role": "user", "content": [
                   {"type": "text", "text": "Describe these frames."},
                   {"type": "image_url", "image_url": {"url": "%s"}},
                   {"type": "image_url", "image_url": {"url": "%s"}}]}],
                 "max_tokens": 120}
                """.formatted(url, url)));
    }

    @Test
    void chatReplyCarriesContentModelAndUsage() {
        ChatRequest request = new ChatRequest(ChatRequest.Task.CANVAS, List.of(ChatRequest.Message.of("user",
                "Release planning. We reviewed the release checklist together. Marta will update the guide.")),
                true, 300);

        StepVerifier.create(provider.chat(CALL, request))
                .assertNext(reply -> {
                    assertThat(reply.model()).isEqualTo("gpt-4o-mini");
                    assertThat(reply.inputTokens()).isPositive();
                    assertThat(reply.outputTokens()).isPositive();
                    JsonNode content = JSON.readTree(reply.content());
                    assertThat(content.path("title").asString()).isEqualTo("Session on release and planning");
                    assertThat(content.path("actionItems").path(0).asString())
                            .isEqualTo("Marta will update the guide.");
                    assertThat(content.path("keywords")).isNotEmpty();
                })
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void eachTaskUsesItsConfiguredModel() {
        AiProperties.Models models = new AiProperties.Models("whisper-large", "sum-model", "vis-model", "can-model");
        AiProperties base = AiProperties.of(fake.baseUrl(), KEY);
        use(new AiProperties(base.baseUrl(), KEY, models, base.connectTimeout(), base.responseTimeout(),
                base.maxUploadSize(), 4));

        for (ChatRequest.Task task : ChatRequest.Task.values()) {
            expectReply(new ChatRequest(task, HELLO.messages(), false, 10));
        }
        assertThat(fake.requests()).extracting(r -> r.json().path("model").asString())
                .containsExactly("sum-model", "vis-model", "can-model");
    }

    @Test
    void moreImagesThanAllowedAreRefusedBeforeSending() {
        byte[] png = Fixtures.png(1);
        ChatRequest request = new ChatRequest(ChatRequest.Task.VISION,
                List.of(new ChatRequest.Message("user", "frames", List.of(png, png, png, png, png))), false, 50);

        StepVerifier.create(provider.chat(CALL, request))
                .expectErrorSatisfies(e -> assertThat(((AiException) e).kind()).isEqualTo(AiException.Kind.PERMANENT))
                .verify(WAIT);
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void noAuthorizationHeaderIsSentWithoutAKey() {
        fake.close();
        fake = FakeOpenAiServer.start();
        use(AiProperties.of(fake.baseUrl(), ""));

        expectReply(HELLO);
        assertThat(fake.lastRequest().header("authorization")).isNull();
    }

    @Test
    void fakeServerAnswersUnderTheRootAndListsModels() {
        String root = "http://127.0.0.1:" + fake.port();
        StepVerifier.create(WebClient.create(root).get().uri("/models").header("Authorization", "Bearer " + KEY)
                        .retrieve().bodyToMono(String.class))
                .assertNext(body -> assertThat(JSON.readTree(body).path("data").path(0).path("id").asString())
                        .isEqualTo("whisper-1"))
                .expectComplete()
                .verify(WAIT);
        use(AiProperties.of(root, KEY));

        expectReply(HELLO);
        assertThat(fake.lastRequest().path()).isEqualTo("/chat/completions");
    }

    private void use(AiProperties properties) {
        if (provider != null) {
            provider.close();
        }
        provider = new OpenAiCompatibleProvider(properties, WebClient.builder(), Json.mapper());
    }

    private void expectReply(ChatRequest request) {
        StepVerifier.create(provider.chat(CALL, request)).expectNextCount(1).expectComplete().verify(WAIT);
    }
}
