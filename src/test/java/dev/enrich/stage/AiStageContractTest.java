package dev.enrich.stage;

import static dev.enrich.stage.audio.AiMediaFixtures.result;
import static dev.enrich.stage.audio.AiMediaFixtures.run;
import static dev.enrich.stage.summary.AiStageFixtures.replying;
import static dev.enrich.stage.summary.AiStageFixtures.withoutBudget;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.DisabledAiProvider;
import dev.enrich.ai.OpenAiCompatibleProvider;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.config.AiProperties;
import dev.enrich.cost.Budgets;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.stage.audio.AiMediaFixtures;
import dev.enrich.stage.audio.AiTranscriptionStage;
import dev.enrich.stage.audio.AudioStage;
import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.stage.canvas.AiCanvasStage;
import dev.enrich.stage.canvas.CanvasFixtures;
import dev.enrich.stage.canvas.CanvasStage;
import dev.enrich.stage.summary.AiStageFixtures;
import dev.enrich.stage.summary.AiSummaryStage;
import dev.enrich.stage.summary.SummaryFixtures;
import dev.enrich.stage.summary.SummaryStage;
import dev.enrich.stage.ai.AiFallback;
import dev.enrich.stage.video.AiCaptionStage;
import dev.enrich.stage.video.VideoFixtures;
import dev.enrich.stage.video.VideoStage;
import dev.enrich.testing.CostWording;
import dev.enrich.testing.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.util.unit.DataSize;

/**
 * The contract every AI stage decorator keeps, run for each of them against the fake provider on loopback: disabled
 * it is the local stage; it scales the local progress and then reports its AI step; it improves the result with path
 * {@code ai}; whatever goes wrong (a failing service, an unusable reply, a used-up budget) it keeps the local result,
 * DEGRADED, path {@code local}, with a friendly message free of cost words; a job never pays twice for the same call,
 * but a failed call is asked again.
 */
class AiStageContractTest {

    /** One AI stage under test: how to build it and its local stage, its input, what it says and does. */
    record Fixture(String name, Factory ai, Stage local, Input input, String unreachableMessage, String activity,
            double lastFraction, int callsPerRun, boolean chats) {

        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Factory {
        Stage create(AiProvider provider, AiCache cache, AiProperties properties, Path dir);
    }

    @FunctionalInterface
    interface Input {
        StageContext context(Path dir) throws IOException;
    }

    static Stream<Fixture> stages() {
        return Stream.of(
                new Fixture("summary", (provider, cache, properties, dir) ->
                        new AiSummaryStage(new SummaryStage(), provider, cache, Json.mapper()), new SummaryStage(),
                        dir -> AiStageFixtures.context("job-1", "Standup", SummaryFixtures.MEETING_NOTES),
                        "Couldn't reach the AI service — basic summary was used.", "Writing summary...", 0.7, 1, true),
                new Fixture("canvas", (provider, cache, properties, dir) ->
                        new AiCanvasStage(new CanvasStage(), provider, cache, Json.mapper()), new CanvasStage(),
                        dir -> AiStageFixtures.context("job-1", "Standup", "Notes.", CanvasFixtures.audio(),
                                CanvasFixtures.video(), CanvasFixtures.summary()),
                        "Couldn't reach the AI service — basic canvas was used.", "Drawing canvas...", 0.7, 1, true),
                // Two images per call: three key frames take two calls, each cached on its own.
                new Fixture("captions", (provider, cache, properties, dir) ->
                        new AiCaptionStage(new VideoStage(), provider, cache, properties, Json.mapper()), new VideoStage(),
                        dir -> VideoFixtures.threeScenes(dir, 640),
                        "Couldn't reach the AI service — no captions this time.", "Describing key frames...", 1.0, 2,
                        true),
                new Fixture("transcription", (provider, cache, properties, dir) ->
                        new AiTranscriptionStage(new AudioStage(), provider, cache, properties, chunkDir(dir)),
                        new AudioStage(), dir -> shortSpeech(),
                        "Couldn't reach the AI service — no transcript this time.", "Transcribing audio...", 1.0, 1,
                        false));
    }

    static Stream<Arguments> stagesAndFaults() {
        return stages().flatMap(stage -> Stream.of(FakeOpenAiServer.Fault.MALFORMED_JSON,
                        FakeOpenAiServer.Fault.UNAVAILABLE, FakeOpenAiServer.Fault.RATE_LIMITED,
                        FakeOpenAiServer.Fault.SERVER_ERROR, FakeOpenAiServer.Fault.TIMEOUT,
                        FakeOpenAiServer.Fault.RESET)
                .map(fault -> Arguments.of(stage, fault)));
    }

    static Stream<Arguments> chatStagesAndUnusableReplies() {
        return stages().filter(Fixture::chats)
                .flatMap(stage -> Stream.of("not json at all", "[\"a JSON array\"]")
                        .map(reply -> Arguments.of(stage, reply)));
    }

    @TempDir
    Path dir;

    private FakeOpenAiServer server;
    private AiProperties properties;
    private OpenAiCompatibleProvider provider;
    private final AiCache cache = new AiCache(100);

    @BeforeEach
    void start() throws IOException {
        Files.createDirectory(chunkDir(dir));
        server = FakeOpenAiServer.start();
        properties = new AiProperties(server.baseUrl(), "test-key", AiProperties.Models.defaults(),
                Duration.ofSeconds(5), Duration.ofSeconds(2), DataSize.ofMegabytes(1), 2);
        provider = AiMediaFixtures.provider(properties);
    }

    @AfterEach
    void stop() {
        provider.close();
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    void behavesExactlyLikeTheLocalStageWhenTheProviderIsDisabled(Fixture stage) throws IOException {
        StageContext context = stage.input().context(dir);

        List<StageUpdate> updates = run(stage(stage, new DisabledAiProvider()), context);

        assertThat(updates).isEqualTo(run(stage.local(), context));
        assertThat(result(updates).path()).isEqualTo("local");
        // A provider without a base URL is just as off.
        AiProperties off = AiProperties.of("", "");
        try (OpenAiCompatibleProvider unconfigured = AiMediaFixtures.provider(off)) {
            assertThat(run(stage.ai().create(unconfigured, cache, off, dir), context)).isEqualTo(updates);
        }
        assertThat(server.requests()).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    void improvesTheLocalResultWithPathAi(Fixture stage) throws IOException {
        StageContext context = stage.input().context(dir);
        StageResult basic = result(run(stage.local(), context));

        StageResult result = result(run(stage(stage, provider), context));

        assertThat(result.path()).isEqualTo("ai");
        assertThat(result.state()).isEqualTo(StageState.SUCCEEDED);
        assertThat(result.message()).isNull();
        assertThat(result.data()).isNotEqualTo(basic.data());
        assertThat(server.requests()).hasSize(stage.callsPerRun());
        assertThat(leftovers()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    void scalesLocalProgressAndThenReportsTheAiStep(Fixture stage) throws IOException {
        StageContext context = stage.input().context(dir);
        List<StageUpdate.Progress> local = progress(run(stage.local(), context));

        List<StageUpdate> updates = run(stage(stage, provider), context);

        List<StageUpdate.Progress> progress = progress(updates);
        assertThat(progress.subList(0, local.size())).isEqualTo(local.stream()
                .map(p -> StageUpdate.progress(p.fraction() * 0.7, p.message())).toList());
        List<StageUpdate.Progress> ai = progress.subList(local.size(), progress.size());
        assertThat(ai).first().isEqualTo(StageUpdate.progress(0.7, stage.activity()));
        assertThat(ai).allSatisfy(p -> assertThat(p.message()).isEqualTo(stage.activity()))
                .last().satisfies(p -> assertThat(p.fraction()).isEqualTo(stage.lastFraction()));
        assertThat(progress).extracting(StageUpdate.Progress::fraction).isSorted()
                .allSatisfy(f -> assertThat(f).isBetween(0.0, 1.0));
        assertThat(updates).last().isInstanceOf(StageUpdate.Done.class);
        assertThat(updates).filteredOn(StageUpdate.Done.class::isInstance).hasSize(1);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stagesAndFaults")
    void keepsTheLocalResultWithAFriendlyMessageWhenTheServiceFails(Fixture stage, FakeOpenAiServer.Fault fault)
            throws IOException {
        StageContext context = stage.input().context(dir);
        StageResult basic = result(run(stage.local(), context));
        server.failNext(fault);

        StageResult result = result(run(stage(stage, provider), context));

        assertThat(server.requests()).hasSize(1);
        assertLocal(result, basic, stage.unreachableMessage());
        assertThat(cache.size()).isZero();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("chatStagesAndUnusableReplies")
    void keepsTheLocalResultWhenTheReplyIsUnusable(Fixture stage, String reply) throws IOException {
        StageContext context = stage.input().context(dir);
        StageResult basic = result(run(stage.local(), context));

        StageResult result = result(run(stage(stage, replying(provider, reply)), context));

        assertThat(server.requests()).hasSize(1);
        assertLocal(result, basic, stage.unreachableMessage());
        assertThat(cache.size()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    void saysAiIsPausedWhenTheBudgetIsExhaustedWithoutCallingTheService(Fixture stage) throws IOException {
        StageContext context = stage.input().context(dir);
        StageResult basic = result(run(stage.local(), context));

        StageResult result = result(run(stage(stage, withoutBudget(provider)), context));

        assertThat(server.requests()).isEmpty();
        assertLocal(result, basic, Budgets.PAUSED_MESSAGE);
        assertThat(result.message()).isEqualTo("AI features are paused for now — basic enrichment was used");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    void saysAiNeedsSettingUpWhenTheProviderRejectsTheKey(Fixture stage) throws IOException {
        StageContext context = stage.input().context(dir);
        StageResult basic = result(run(stage.local(), context));
        try (FakeOpenAiServer keyed = FakeOpenAiServer.start(FakeOpenAiServer.Options.defaults().withApiKey("k"));
                OpenAiCompatibleProvider rejected = AiMediaFixtures.provider(new AiProperties(keyed.baseUrl(),
                        "revoked", AiProperties.Models.defaults(), Duration.ofSeconds(5), Duration.ofSeconds(2),
                        DataSize.ofMegabytes(1), 2))) {
            StageResult result = result(run(stage(stage, rejected), context));

            assertThat(keyed.requests()).hasSize(1);
            assertLocal(result, basic, AiFallback.SETUP_MESSAGE);
            assertThat(result.message()).isEqualTo("AI features need to be set up — basic enrichment was used")
                    .doesNotContainIgnoringCase("cost").doesNotContain("$");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    void doesNotPayTwiceForTheSameCallsWithinAJob(Fixture stage) throws IOException {
        StageContext context = stage.input().context(dir);
        Stage ai = stage(stage, provider);
        StageResult first = result(run(ai, context));

        StageResult again = result(run(ai, context));

        assertThat(again).isEqualTo(first);
        assertThat(again.path()).isEqualTo("ai");
        assertThat(server.requests()).hasSize(stage.callsPerRun());
        assertThat(cache.size()).isEqualTo(stage.callsPerRun());
        result(run(ai, new StageContext("job-2", context.session(), context.upstream(), context.media())));
        assertThat(server.requests()).hasSize(2 * stage.callsPerRun());
        assertThat(leftovers()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    void asksAgainInTheSameJobAfterAFailedCall(Fixture stage) throws IOException {
        StageContext context = stage.input().context(dir);
        Stage ai = stage(stage, provider);
        server.failNext(FakeOpenAiServer.Fault.UNAVAILABLE);
        assertThat(result(run(ai, context)).path()).isEqualTo("local");

        assertThat(result(run(ai, context)).path()).isEqualTo("ai");
        assertThat(server.requests()).hasSize(1 + stage.callsPerRun());
    }

    private Stage stage(Fixture stage, AiProvider ai) {
        return stage.ai().create(ai, cache, properties, dir);
    }

    private void assertLocal(StageResult result, StageResult basic, String message) {
        assertThat(result.path()).isEqualTo("local");
        assertThat(result.state()).isEqualTo(StageState.DEGRADED);
        assertThat(result.data()).isEqualTo(basic.data());
        assertThat(result.message()).isEqualTo(message);
        assertThat(CostWording.in(result.message())).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    private static List<StageUpdate.Progress> progress(List<StageUpdate> updates) {
        return updates.stream().filter(StageUpdate.Progress.class::isInstance).map(StageUpdate.Progress.class::cast)
                .toList();
    }

    /** Return the transcription chunk files left behind: none, whatever happened. */
    private List<Path> leftovers() {
        try (Stream<Path> files = Files.list(chunkDir(dir))) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path chunkDir(Path dir) {
        return dir.resolve("chunks");
    }

    private static StageContext shortSpeech() {
        return WavFixtures.context(() -> WavFixtures.stream(WavFixtures.Format.mono16(16_000), 3,
                WavFixtures.bursts(16_000, new double[][] {{0.5, 2.5}}, 0.3, 220, 0.001)));
    }
}
