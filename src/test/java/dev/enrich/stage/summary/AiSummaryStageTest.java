package dev.enrich.stage.summary;

import static dev.enrich.stage.summary.AiStageFixtures.SUMMARY_MODEL;
import static dev.enrich.stage.summary.AiStageFixtures.context;
import static dev.enrich.stage.summary.AiStageFixtures.replying;
import static dev.enrich.stage.summary.AiStageFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.OpenAiCompatibleProvider;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.ai.fake.RecordedRequest;
import dev.enrich.model.TimeSpan;
import dev.enrich.model.TranscriptSegment;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.testing.CostWording;
import dev.enrich.testing.Json;
import dev.enrich.testing.Outputs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class AiSummaryStageTest {

    private final FakeOpenAiServer server = FakeOpenAiServer.start();
    private final OpenAiCompatibleProvider provider = AiStageFixtures.provider(server, Duration.ofSeconds(2));
    private final AiCache cache = new AiCache(100);
    private final StageContext meeting = context("job-1", "Standup", SummaryFixtures.MEETING_NOTES);

    @AfterEach
    void stop() {
        provider.close();
        server.close();
    }

    private AiSummaryStage stage(AiProvider ai) {
        return new AiSummaryStage(new SummaryStage(), ai, cache, Json.mapper());
    }

    @Test
    void asksTheSummaryModelForAJsonObjectWithTheSessionText() {
        result(stage(provider), meeting);

        RecordedRequest request = server.lastRequest();
        assertThat(server.requests()).hasSize(1);
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer test-key");
        JsonNode body = request.json();
        assertThat(body).isNotNull();
        assertThat(body.path("model").asString()).isEqualTo(SUMMARY_MODEL);
        assertThat(body.path("response_format").path("type").asString()).isEqualTo("json_object");
        assertThat(body.path("max_tokens").asInt()).isPositive();
        JsonNode messages = body.path("messages");
        assertThat(messages.path(0).path("role").asString()).isEqualTo("system");
        assertThat(messages.path(0).path("content").asString()).contains("JSON", "\"summary\"", "\"highlights\"",
                "\"actionItems\"", "\"keywords\"", "\"title\"");
        assertThat(messages.path(1).path("role").asString()).isEqualTo("user");
        assertThat(messages.path(1).path("content").asString()).startsWith("Session title: Standup")
                .contains("Notes:", "The payment provider migration blocks the checkout release.");
    }

    @Test
    void sendsAtMostTheHeadAndTailOfALongText() {
        String notes = "HEADMARK opens the session. " + SummaryFixtures.megabyteOfNotes() + " TAILMARK closes it.";

        result(stage(provider), context("job-1", "Long", notes));

        String sent = server.lastRequest().json().path("messages").path(1).path("content").asString();
        assertThat(sent.length()).isLessThanOrEqualTo(SummaryPrompt.MAX_TEXT + 100);
        assertThat(sent).contains("HEADMARK", "TAILMARK", SummaryPrompt.CUT_MARKER.strip());
    }

    @Test
    void usesTheAiSummaryWithPathAiAndKeepsLocalFacts() {
        StageResult basic = result(new SummaryStage(), meeting);

        StageResult result = result(stage(provider), meeting);

        // The fake names its title after the session text's most frequent words and echoes its first words.
        assertThat(data(result).get("title")).asString().startsWith("Session on ");
        assertThat(data(result).get("summary")).asString().isNotBlank()
                .doesNotStartWith("You summarize recorded work sessions");
        assertThat(data(result).get("highlights")).asInstanceOf(InstanceOfAssertFactories.LIST).isNotEmpty();
        assertThat(data(result).get("keywords")).asInstanceOf(InstanceOfAssertFactories.LIST).isNotEmpty()
                .isNotEqualTo(data(basic).get("keywords"));
        assertThat(data(result)).containsEntry("source", "text")
                .containsKeys("title", "summary", "highlights", "keywords", "actionItems");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"title\": \"No summary\"}",
            "{\"summary\": \"   \"}",
            "{\"summary\": 42}",
            "{\"summary\": \"Fine.\", \"title\": {\"nested\": true}}",
            "{\"summary\": \"Fine.\", \"highlights\": \"not a list\"}",
            "{\"summary\": \"Fine.\", \"keywords\": [1, 2, 3]}",
            "{\"summary\": \"Fine.\", \"actionItems\": [null]}"})
    void keepsTheBasicSummaryWhenTheReplyDoesNotFitTheSchema(String reply) {
        StageResult basic = result(new SummaryStage(), meeting);

        StageResult result = result(stage(replying(provider, reply)), meeting);

        assertBasic(result, basic, AiSummaryStage.UNREACHABLE_MESSAGE);
    }

    @Test
    void writesOnlyTheStructuralSummaryWithoutAskingWhenThereIsNoText() {
        StageResult audio = StageResult.succeeded(StageName.AUDIO,
                Outputs.audio(720.0, 0.7, 0, List.of(new TimeSpan(0.0, 5.0)), List.of()));
        StageContext silent = context("job-1", "Standup", null, audio);

        StageResult result = result(stage(provider), silent);

        assertThat(server.requests()).isEmpty();
        assertThat(result).isEqualTo(result(new SummaryStage(), silent));
        assertThat(data(result)).containsEntry("source", "structure");
    }

    @Test
    void usesTheTranscriptFromTheAudioResult() {
        StageResult audio = StageResult.succeeded(StageName.AUDIO, Outputs.audio(8.0, 1.0, 0, List.of(), List.of())
                .withTranscript(List.of(new TranscriptSegment(0.0, 4.0, "We agreed to ship the beta on Monday."),
                        new TranscriptSegment(4.0, 8.0, "Dana will write the release notes.")), false, null));

        StageResult result = result(stage(provider), context("job-1", "Standup", null, audio));

        assertThat(result.path()).isEqualTo("ai");
        assertThat(server.lastRequest().json().path("messages").path(1).path("content").asString())
                .contains("Transcript:", "We agreed to ship the beta on Monday.", "Dana will write the release notes.");
    }

    @Test
    void capsAndCleansHostileOutput() {
        String huge = "<script>alert(1)</script>\u0000\u202E" + "word ".repeat(50_000);
        String reply = AiStageFixtures.json(Map.of(
                "title", huge, "summary", huge,
                "highlights", java.util.Collections.nCopies(100, huge),
                "actionItems", java.util.Collections.nCopies(100, "Do <b>it</b>\u0007 now"),
                "keywords", java.util.stream.IntStream.range(0, 100).mapToObj(i -> "k" + i).toList()));

        StageResult result = result(stage(replying(provider, reply)), meeting);

        assertThat(result.path()).isEqualTo("ai");
        Map<String, Object> data = data(result);
        assertThat((String) data.get("title")).hasSizeLessThanOrEqualTo(AiSummaryReply.MAX_TITLE).endsWith("…");
        assertThat((String) data.get("summary")).hasSizeLessThanOrEqualTo(AiSummaryReply.MAX_SUMMARY);
        assertThat(data.get("highlights")).asInstanceOf(InstanceOfAssertFactories.list(String.class))
                .hasSize(1).allSatisfy(h -> assertThat(h).hasSizeLessThanOrEqualTo(AiSummaryReply.MAX_HIGHLIGHT));
        assertThat(data.get("actionItems")).asInstanceOf(InstanceOfAssertFactories.list(String.class))
                .containsExactly("Do <b>it</b> now");
        assertThat(data.get("keywords")).asInstanceOf(InstanceOfAssertFactories.LIST)
                .hasSize(AiSummaryReply.MAX_KEYWORDS);
        assertThat(data.toString()).doesNotContain("\u0000", "\u202E", "\u0007");
    }

    private static void assertBasic(StageResult result, StageResult basic, String message) {
        assertThat(result.path()).isEqualTo("local");
        assertThat(result.state()).isEqualTo(StageState.DEGRADED);
        assertThat(result.data()).isEqualTo(basic.data());
        assertThat(result.message()).isEqualTo(message);
        assertThat(CostWording.in(result.message())).isEmpty();
    }

    private static Map<String, Object> data(StageResult result) {
        return Json.map(Objects.requireNonNull(result.data()));
    }
}
