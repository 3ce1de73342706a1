package dev.enrich.stage.summary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.local.LocalDirectoryMediaStore;
import dev.enrich.model.Chapter;
import dev.enrich.model.SessionSummary;
import dev.enrich.model.TranscriptSegment;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import dev.enrich.testing.Json;
import dev.enrich.testing.Outputs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class SummaryStageTest {

    private final SummaryStage stage = new SummaryStage();

    @Test
    void reportsProgressThenOneResultWithTheContractKeys() {
        StageContext context = context(SummaryFixtures.MEETING_NOTES, null, Map.of());

        StepVerifier.create(stage.run(context))
                .expectNext(StageUpdate.progress(0.25, "Writing summary..."))
                .expectNext(StageUpdate.progress(0.5, "Writing summary..."))
                .expectNext(StageUpdate.progress(0.75, "Writing summary..."))
                .assertNext(update -> {
                    StageResult result = ((StageUpdate.Done) update).result();
                    assertThat(result.stage()).isEqualTo(StageName.SUMMARY);
                    assertThat(result.state()).isEqualTo(StageState.SUCCEEDED);
                    assertThat(Json.map(result.data())).containsOnlyKeys(
                            "title", "summary", "highlights", "keywords", "actionItems", "source");
                    assertThat(Json.map(result.data())).containsEntry("source", "text")
                            .containsEntry("title", "Standup");
                })
                .verifyComplete();
    }

    @Test
    void stopsBetweenStepsWhenCancelled() {
        StepVerifier.create(stage.run(context(SummaryFixtures.MEETING_NOTES, null, Map.of())), 1)
                .expectNextCount(1)
                .thenCancel()
                .verify();
    }

    @Test
    void summarisesTranscriptNotesAndFrameCaptionsTogether() {
        String vtt = "WEBVTT\n\n00:01.000 --> 00:05.000\nThe invoice export breaks for large customers.\n";
        StageResult video = StageResult.succeeded(StageName.VIDEO, Outputs.video(4, List.of(), List.of(), List.of())
                .withCaptions(List.of(), List.of("The invoice export screen shows a timeout error.", " ")));

        Map<String, Object> data = result(context("Invoice export needs paging for large customers.", vtt,
                Map.of(StageName.VIDEO, video)));

        assertThat(data.get("highlights")).asInstanceOf(InstanceOfAssertFactories.LIST)
                .containsExactly("The invoice export breaks for large customers.",
                        "Invoice export needs paging for large customers.",
                        "The invoice export screen shows a timeout error.");
        assertThat(data).containsEntry("source", "text");
    }

    @Test
    void readsTheAudioTranscriptWhenNoneWasUploaded() {
        StageResult audio = StageResult.succeeded(StageName.AUDIO, Outputs.audio(20.0, 0.2, 0, List.of(), List.of())
                .withTranscript(List.of(new TranscriptSegment(0.0, 4.0, "Let's rotate the staging keys.")), false,
                        null));

        Map<String, Object> data = result(context(null, null, Map.of(StageName.AUDIO, audio)));

        assertThat(data).containsEntry("source", "text")
                .containsEntry("actionItems", List.of("Let's rotate the staging keys."));
    }

    @Test
    void writesAStructuralSummaryFromAudioAndVideoWithoutText() {
        StageResult audio = StageResult.succeeded(StageName.AUDIO, Outputs.audio(90.0, 0.5, 0, List.of(), List.of()));
        StageResult video = StageResult.degraded(StageName.VIDEO,
                Outputs.video(90.0, List.of(new Chapter(0, 0, 90, null)), List.of(), List.of()), "partial");

        Map<String, Object> data = result(context(" ", null, Map.of(StageName.AUDIO, audio, StageName.VIDEO, video)));

        assertThat(data).containsEntry("summary", "A 2-minute session in 1 chapter, 50% speech.")
                .containsEntry("source", "structure").containsEntry("title", "Standup");
    }

    @Test
    void isMissingInputOnlyWithoutTextAndWithoutUsefulAudioOrVideo() {
        StageResult audio = StageResult.succeeded(StageName.AUDIO, Outputs.audio(3.0, 0, 0, List.of(), List.of()));
        StageResult failedVideo = StageResult.failed(StageName.VIDEO, "broken");

        assertThat(stage.missingInput(context(null, null, Map.of())))
                .contains("Nothing to summarize: no text, audio or video results.");
        assertThat(stage.missingInput(context(" \n ", "WEBVTT\n\nNOTE nothing here\n",
                Map.of(StageName.VIDEO, failedVideo)))).isPresent();
        assertThat(stage.missingInput(context("Notes.", null, Map.of()))).isEmpty();
        assertThat(stage.missingInput(context(null, "Just a plain transcript.", Map.of()))).isEmpty();
        assertThat(stage.missingInput(context(null, null, Map.of(StageName.AUDIO, audio)))).isEmpty();
    }

    @Test
    void readsStoredNotesFromTheMediaStoreWhenItRuns() throws Exception {
        LocalDirectoryMediaStore store = new LocalDirectoryMediaStore(
                Path.of(System.getProperty("java.io.tmpdir"), "enrich-st"));
        String notes = SummaryFixtures.MEETING_NOTES;
        String key = store.store("t1", "s1", Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(
                notes.getBytes(StandardCharsets.UTF_8))), 1 << 20).block(Duration.ofSeconds(5)).key();
        Session session = new Session("s1", "t1", "Standup", SessionText.stored(key, notes), null, List.of(),
                Instant.EPOCH);
        StageContext stored = new StageContext("j1", session, Map.of(), store);

        assertThat(stage.missingInput(stored)).isEmpty();
        assertThat(result(stored)).isEqualTo(result(context(notes, null, Map.of())));
    }

    @Test
    void storedTextWithoutWordsEndsSkippedOnceRead() {
        LocalDirectoryMediaStore store = new LocalDirectoryMediaStore(
                Path.of(System.getProperty("java.io.tmpdir"), "enrich-st"));
        String dashes = "-".repeat(SessionText.PREVIEW_CHARS + 1);
        String key = store.store("t1", "s2", Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(
                dashes.getBytes(StandardCharsets.UTF_8))), 1 << 20).block(Duration.ofSeconds(5)).key();
        Session session = new Session("s2", "t1", "Dashes", SessionText.stored(key, dashes), null, List.of(),
                Instant.EPOCH);

        StageUpdate last = stage.run(new StageContext("j1", session, Map.of(), store)).last().block();
        assertThat(((StageUpdate.Done) last).result().state()).isEqualTo(StageState.SKIPPED);
    }

    private Map<String, Object> result(StageContext context) {
        return Json.map(summary(context));
    }

    private SessionSummary summary(StageContext context) {
        StageUpdate last = stage.run(context).last().block();
        return ((StageUpdate.Done) last).result().data(SessionSummary.class).orElseThrow();
    }

    private static StageContext context(@Nullable String notes, @Nullable String transcript,
            Map<StageName, StageResult> upstream) {
        Session session = new Session("s1", "t1", "Standup", notes == null ? null : SessionText.inline(notes),
                transcript == null ? null : SessionText.inline(transcript), List.of(), Instant.EPOCH);
        Map<StageName, StageResult> results = new EnumMap<>(StageName.class);
        results.putAll(upstream);
        // The summary reads no media; a real store keeps the context honest.
        return new StageContext("j1", session, results,
                new LocalDirectoryMediaStore(Path.of(System.getProperty("java.io.tmpdir"), "enrich-st")));
    }
}
