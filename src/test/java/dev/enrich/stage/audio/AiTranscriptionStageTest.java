package dev.enrich.stage.audio;

import static dev.enrich.stage.audio.AiMediaFixtures.fractions;
import static dev.enrich.stage.audio.AiMediaFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.ai.fake.RecordedRequest;
import dev.enrich.config.AiProperties;
import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.TranscriptSegment;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import dev.enrich.stage.audio.WavFixtures.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class AiTranscriptionStageTest {

    private static final int RATE = 16_000;
    private static final double SECONDS = 180;
    /** Speech-like bursts of 2.5..7 s with pauses of 0.7..1.6 s, over low noise. */
    private static final double[][] SPEECH = speech(new Random(5));
    private static final long ONE_MB = DataSize.ofMegabytes(1).toBytes();

    @TempDir
    Path tmp;

    private Path chunks;
    private FakeOpenAiServer server;
    private AiProperties properties;
    private AiCache cache;

    @BeforeEach
    void start() throws IOException {
        chunks = Files.createDirectory(tmp.resolve("chunks"));
        server = FakeOpenAiServer.start();
        properties = AiProperties.of(server.baseUrl(), "test-key").withMaxUploadSize(DataSize.ofMegabytes(1));
        cache = new AiCache(100);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void cutsLongAudioInsidePausesIntoUploadSizedChunksAndMergesTheirTranscripts() throws IOException {
        List<StageUpdate> updates = AiMediaFixtures.run(stage(), longSpeech());

        StageResult result = result(updates);
        AudioAnalysis data = audio(result);
        assertThat(data.transcriptSource()).isEqualTo("ai");
        assertThat(data.durationSeconds()).isEqualTo(SECONDS);
        assertThat(data.segments()).isNotEmpty();
        assertThat(data.loudness()).isNotEmpty();

        List<RecordedRequest.Upload> uploads = uploads();
        assertThat(uploads).hasSizeGreaterThanOrEqualTo(6)
                .allSatisfy(u -> assertThat(u.size()).isLessThanOrEqualTo(ONE_MB));
        assertThat(uploads).allSatisfy(u -> assertThat(u.contentType()).isEqualTo("audio/wav"));
        // Chunks run back to back from the start and cover all speech; only a silent tail may be left out.
        List<double[]> speech = data.segments().stream().map(m -> new double[] {m.start(), m.end()}).toList();
        assertThat(uploads.stream().mapToDouble(RecordedRequest.Upload::wavSeconds).sum())
                .isBetween(speech.get(speech.size() - 1)[1], SECONDS);

        List<Double> bounds = chunkStarts(uploads);
        for (double cut : bounds.subList(1, bounds.size())) {
            // In the middle of a pause, or at the limit well inside a pause running past it.
            assertThat(pauseAround(speech, cut)).as("pause around cut at %s s", cut).isNotNull()
                    .satisfies(p -> assertThat(cut).isBetween(p[0] + 0.099, (p[0] + p[1]) / 2 + 0.001));
        }

        // The fake gives one segment per 4 s of each chunk: their times must land in recording time, in order.
        List<Double> expectedStarts = new ArrayList<>();
        for (int i = 0; i < uploads.size(); i++) {
            for (double t = 0; t < uploads.get(i).wavSeconds() - 1e-9; t += 4) {
                expectedStarts.add(bounds.get(i) + t);
            }
        }
        List<TranscriptSegment> transcript = data.transcript();
        assertThat(transcript).hasSameSizeAs(expectedStarts);
        for (int i = 0; i < transcript.size(); i++) {
            TranscriptSegment segment = transcript.get(i);
            assertThat(segment.start()).isCloseTo(expectedStarts.get(i), within(0.002));
            assertThat(segment.end()).isGreaterThan(segment.start());
            assertThat(segment.text()).isNotBlank();
        }

        assertThat(fractions(updates)).isSorted().allSatisfy(f -> assertThat(f).isBetween(0.0, 1.0))
                .endsWith(1.0).contains(AiTranscriptionStage.LOCAL_SHARE);
        assertThat(updates).filteredOn(StageUpdate.Progress.class::isInstance)
                .extracting(u -> ((StageUpdate.Progress) u).message())
                .containsOnly("Analyzing audio...", "Transcribing audio...");
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void mixesStereoHighRateAudioDownToMono16kHzChunks() {
        Format stereo = new Format(48_000, 2, 24, false);
        WavFixtures.Signal signal = WavFixtures.bursts(48_000, new double[][] {{0.5, 4.5}, {5.5, 9.5}}, 0.3, 220, 0.001);
        StageContext context = WavFixtures.context(() -> WavFixtures.stream(stereo, 10, signal));

        StageResult result = result(AiMediaFixtures.run(stage(), context));

        assertThat(result.path()).isEqualTo("ai");
        assertThat(uploads()).singleElement().satisfies(u -> {
            assertThat(u.wavSeconds()).isCloseTo(10.0, within(0.001));
            assertThat(u.size()).isEqualTo(44 + 10 * 16_000 * 2);
        });
    }

    @Test
    void uploadedTranscriptIsKeptAndNothingIsSent() {
        StageContext plain = longSpeech();
        String vtt = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello team.\n";
        Session session = plain.session();
        StageContext context = new StageContext(plain.jobId(), new Session(session.id(), session.tenant(),
                session.title(), null, SessionText.inline(vtt), session.media(), session.createdAt()), Map.of(),
                plain.media());

        StageResult result = result(AiMediaFixtures.run(stage(), context));

        assertThat(result.path()).isEqualTo("local");
        assertThat(audio(result).transcript()).extracting(TranscriptSegment::text).containsExactly("Hello team.");
        assertThat(audio(result).transcriptSource()).isNull();
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void failedChunkKeepsTheLocalResultWithAFriendlyMessage() {
        AtomicBoolean armed = new AtomicBoolean();
        // The first chunk's progress arrives before the second chunk is sent: fail that one.
        List<StageUpdate> updates = stage().run(longSpeech())
                .doOnNext(u -> {
                    if (u instanceof StageUpdate.Progress p && p.fraction() > AiTranscriptionStage.LOCAL_SHARE
                            && armed.compareAndSet(false, true)) {
                        server.failNext(FakeOpenAiServer.Fault.UNAVAILABLE);
                    }
                })
                .subscribeOn(Schedulers.boundedElastic()).collectList().block(Duration.ofSeconds(120));

        StageResult result = result(updates);
        assertThat(result.state()).isEqualTo(StageState.DEGRADED);
        assertThat(result.path()).isEqualTo("local");
        assertThat(result.message()).isEqualTo("Couldn't reach the AI service — no transcript this time.");
        assertThat(audio(result).transcript()).isEmpty();
        assertThat(audio(result).transcriptSource()).isNull();
        assertThat(audio(result).segments()).isNotNull();
        assertThat(server.requests()).hasSize(2);
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void cancellingDuringAnUploadDeletesTheChunkFile() {
        server.close();
        server = FakeOpenAiServer.start(new FakeOpenAiServer.Options(0, Duration.ofSeconds(30), 0,
                java.util.Set.of(), 1, null, "1"));
        properties = AiProperties.of(server.baseUrl(), "test-key").withMaxUploadSize(DataSize.ofMegabytes(1));

        StepVerifier.create(stage().run(longSpeech()).subscribeOn(Schedulers.boundedElastic())
                        .filter(u -> u instanceof StageUpdate.Progress p && p.message().equals("Transcribing audio...")))
                .expectNextCount(1)
                .then(() -> Awaitility.await().atMost(Duration.ofSeconds(20))
                        .until(() -> !server.requests().isEmpty()))
                .thenCancel()
                .verify(Duration.ofSeconds(60));

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(tempFiles()).isEmpty());
    }

    @Test
    void silenceIsNotSent() {
        StageContext context = WavFixtures.context(() -> WavFixtures.stream(Format.mono16(RATE), 5,
                WavFixtures.noise(0.001, 3)));

        StageResult result = result(AiMediaFixtures.run(stage(), context));

        assertThat(result.path()).isEqualTo("local");
        assertThat(audio(result).transcript()).isEmpty();
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void refusesAnUploadLimitBelowOneSecondOfAudio() {
        AiProperties tiny = properties.withMaxUploadSize(DataSize.ofKilobytes(16));
        assertThatThrownBy(() -> new AiTranscriptionStage(new AudioStage(), AiMediaFixtures.provider(tiny), cache,
                tiny)).hasMessage("enrich.ai.max-upload-size must be >= 32044 bytes for transcription, but was 16384");
    }

    @Test
    void missingAudioIsTheLocalStagesVerdict() {
        StageContext context = shortSpeech();
        Session none = new Session("s", "t", "No audio", null, null, List.of(), context.session().createdAt());

        assertThat(stage().missingInput(new StageContext("j", none, Map.of(), context.media())))
                .contains("No audio in this session.");
    }

    // --- helpers

    private AiTranscriptionStage stage() {
        return new AiTranscriptionStage(new AudioStage(), AiMediaFixtures.provider(properties), cache, properties,
                chunks);
    }

    private static StageContext longSpeech() {
        return WavFixtures.context(() -> WavFixtures.stream(Format.mono16(RATE), SECONDS,
                WavFixtures.bursts(RATE, SPEECH, 0.3, 220, 0.001)));
    }

    private static StageContext shortSpeech() {
        return WavFixtures.context(() -> WavFixtures.stream(Format.mono16(RATE), 3,
                WavFixtures.bursts(RATE, new double[][] {{0.5, 2.5}}, 0.3, 220, 0.001)));
    }

    private static double[][] speech(Random random) {
        List<double[]> spans = new ArrayList<>();
        double t = 0.8;
        while (true) {
            double end = t + 2.5 + 4.5 * random.nextDouble();
            if (end > SECONDS - 1) {
                break;
            }
            spans.add(new double[] {t, end});
            t = end + 0.7 + 0.9 * random.nextDouble();
        }
        return spans.toArray(double[][]::new);
    }

    private List<RecordedRequest.Upload> uploads() {
        return server.requests().stream()
                .peek(r -> assertThat(r.path()).isEqualTo("/v1/audio/transcriptions"))
                .map(r -> r.files().get(0)).toList();
    }

    private static List<Double> chunkStarts(List<RecordedRequest.Upload> uploads) {
        List<Double> starts = new ArrayList<>();
        double t = 0;
        for (RecordedRequest.Upload u : uploads) {
            starts.add(t);
            t += u.wavSeconds();
        }
        return starts;
    }

    private static double[] pauseAround(List<double[]> speech, double t) {
        for (int i = 0; i + 1 < speech.size(); i++) {
            if (speech.get(i)[1] < t && t < speech.get(i + 1)[0]) {
                return new double[] {speech.get(i)[1], speech.get(i + 1)[0]};
            }
        }
        return null;
    }

    private List<Path> tempFiles() {
        try (Stream<Path> files = Files.list(chunks)) {
            return files.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static AudioAnalysis audio(StageResult result) {
        return result.data(AudioAnalysis.class).orElseThrow();
    }
}
