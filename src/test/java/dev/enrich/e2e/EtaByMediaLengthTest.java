package dev.enrich.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.stage.audio.WavFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The ETA scales with the media length read at upload: with a provider whose transcriptions take longer the longer
 * the audio (the fake, paced by audio seconds), once jobs on a short and a long recording have been learned, a new
 * long recording's first ETA is longer than a new short one's, in proportion.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"enrich.media.dir=${java.io.tmpdir}/enrich-eta-e2e-media", "enrich.events.progress-interval=0ms"})
@AutoConfigureWebTestClient(timeout = "PT60S")
class EtaByMediaLengthTest {

    private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENT =
            new ParameterizedTypeReference<>() {};
    private static final byte[] SHORT = wav(4);
    private static final byte[] LONG = wav(100);

    static FakeOpenAiServer ai = FakeOpenAiServer.start();

    static {
        // 30 ms per audio second: the long recording's transcription takes about 3 s, the short one's 0.1 s
        ai.paceByWork(Duration.ofMillis(30), Duration.ZERO, 0);
    }

    @Autowired
    WebTestClient http;

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("enrich.ai.base-url", () -> ai.baseUrl());
        registry.add("enrich.ai.api-key", () -> "sk-test-eta");
    }

    @AfterAll
    static void stop() {
        ai.close();
    }

    @Test
    void aLongRecordingGetsALongerFirstEtaThanAShortOneAfterLearning() {
        for (int i = 0; i < 2; i++) {
            firstEta(upload(SHORT));
            firstEta(upload(LONG));
        }

        long shortEta = firstEta(upload(SHORT));
        long longEta = firstEta(upload(LONG));

        assertThat(longEta).as("about 3 s of transcription against 0.1 s").isGreaterThan(shortEta)
                .isGreaterThanOrEqualTo(3);
    }

    // Run the audio stage on the session and return the first ETA its job's events carried.
    private long firstEta(String session) {
        String job = E2e.enrich(http, session, "{\"stages\":[\"audio\"]}");
        List<ServerSentEvent<Map<String, Object>>> events = http.get()
                .uri("/api/v1/jobs/{id}/events?lastEventId=0", job)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isOk()
                .returnResult(EVENT).getResponseBody()
                .takeUntil(e -> e.event() != null && List.of("completed", "partial", "failed").contains(e.event()))
                .collectList().block(Duration.ofSeconds(60));
        assertThat(events).last().extracting(ServerSentEvent::event).isEqualTo("completed");
        return events.stream().map(ServerSentEvent::data).filter(Objects::nonNull)
                .filter(d -> "running".equals(d.get("state")) && d.get("etaSeconds") != null)
                .map(d -> ((Number) d.get("etaSeconds")).longValue()).findFirst().orElseThrow();
    }

    private String upload(byte[] wav) {
        MultipartBodyBuilder b = new MultipartBodyBuilder();
        b.part("metadata", "{\"title\":\"ETA\"}", MediaType.APPLICATION_JSON);
        b.part("audio", E2e.named(wav, "talk.wav"), MediaType.APPLICATION_OCTET_STREAM);
        return (String) http.post().uri("/api/v1/sessions").bodyValue(b.build()).exchange()
                .expectStatus().isCreated().expectBody(E2e.MAP).returnResult().getResponseBody().get("id");
    }

    // Speech-like: 0.8 s of tone every 2 s, so the voice detection finds speech and the audio is transcribed.
    private static byte[] wav(int seconds) {
        return WavFixtures.bytes(WavFixtures.Format.mono16(16_000), seconds,
                WavFixtures.pulses(16_000, 0.8, 2, 0.3, 0.001));
    }
}
