package dev.enrich.stage.canvas;

import static dev.enrich.stage.canvas.CanvasFixtures.audio;
import static dev.enrich.stage.canvas.CanvasFixtures.summary;
import static dev.enrich.stage.canvas.CanvasFixtures.video;
import static dev.enrich.stage.summary.AiStageFixtures.CANVAS_MODEL;
import static dev.enrich.stage.summary.AiStageFixtures.context;
import static dev.enrich.stage.summary.AiStageFixtures.json;
import static dev.enrich.stage.summary.AiStageFixtures.replying;
import static dev.enrich.stage.summary.AiStageFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.OpenAiCompatibleProvider;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.model.Canvas;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.stage.summary.AiStageFixtures;
import dev.enrich.testing.CostWording;
import dev.enrich.testing.Json;
import dev.enrich.testing.Outputs;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class AiCanvasStageTest {

    private static final String STORY = "The team planned the release in three chapters. Docs come next.";

    private final FakeOpenAiServer server = FakeOpenAiServer.start();
    private final OpenAiCompatibleProvider provider = AiStageFixtures.provider(server, Duration.ofSeconds(2));
    private final AiProvider storyteller = replying(provider, json(Map.of("narrative", STORY)));
    private final AiCache cache = new AiCache(100);
    private final StageContext session = context("job-1", "Standup", "Notes.", audio(), video(), summary());

    @AfterEach
    void stop() {
        provider.close();
        server.close();
    }

    private AiCanvasStage stage(AiProvider ai) {
        return new AiCanvasStage(new CanvasStage(), ai, cache, Json.mapper());
    }

    @Test
    void asksTheCanvasModelForANarrativeFromTheSummaryAndChapters() {
        result(stage(storyteller), session);

        assertThat(server.requests()).hasSize(1);
        JsonNode body = server.lastRequest().json();
        assertThat(body).isNotNull();
        assertThat(body.path("model").asString()).isEqualTo(CANVAS_MODEL);
        assertThat(body.path("response_format").path("type").asString()).isEqualTo("json_object");
        assertThat(body.path("messages").path(0).path("content").asString()).contains("\"narrative\"", "JSON");
        String facts = body.path("messages").path(1).path("content").asString();
        assertThat(facts).contains("Title: Release planning", "Length: ", "Summary: We planned the release.",
                "Highlights:", "- Docs are next.", "Action items:", "- Tag v1.0", "Keywords: release, docs",
                "Chapters: 3 (0:00-0:40, 0:40-1:20, 1:20-1:58)", "Speech: 72% of the time")
                .hasSizeLessThanOrEqualTo(CanvasNarrative.MAX_FACTS);
    }

    @Test
    void addsTheNarrativeToTheLocalDocumentWithPathAi() {
        StageResult basic = result(new CanvasStage(), session);

        StageResult result = result(stage(storyteller), session);

        assertThat(result.path()).isEqualTo("ai");
        assertThat(result.state()).isEqualTo(StageState.SUCCEEDED);
        assertThat(result.message()).isNull();
        assertThat(result.data()).isEqualTo(canvas(basic).withNarrative(STORY));
    }

    @Test
    void showsTheNarrativeOnTheCanvasPage() {
        String html = new CanvasRenderer().render(canvas(result(stage(storyteller), session)));

        assertThat(html).contains("<h2>The story</h2>", "<p>" + STORY + "</p>");
        assertThat(new CanvasRenderer().render(canvas(result(new CanvasStage(), session))))
                .doesNotContain("The story");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"story\": \"Wrong key.\"}",
            "{\"narrative\": \"  \\u0000 \"}",
            "{\"narrative\": [\"A list.\"]}",
            "{\"narrative\": {\"text\": \"An object.\"}}",
            "{\"narrative\": 12}"})
    void keepsTheBasicCanvasWhenTheReplyDoesNotFit(String reply) {
        StageResult basic = result(new CanvasStage(), session);

        StageResult result = result(stage(replying(provider, reply)), session);

        assertBasic(result, basic, AiCanvasStage.UNREACHABLE_MESSAGE);
    }

    @Test
    void addsTheFakesNarrativeWithPathAi() {
        StageResult result = result(stage(provider), session);

        assertThat(canvas(result).narrative()).startsWith("The session covered ");
    }

    @Test
    void drawsTheBasicCanvasWithoutAskingWhenThereIsNoSummary() {
        StageContext noSummary = context("job-1", "Standup", "Notes.", audio(), video());

        StageResult result = result(stage(storyteller), noSummary);

        assertThat(server.requests()).isEmpty();
        assertThat(result).isEqualTo(result(new CanvasStage(), noSummary));
    }

    @Test
    void capsCleansAndEscapesAHostileNarrative() {
        String hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>\u0000\u202E\n\t"
                + "and on ".repeat(10_000);

        StageResult result = result(stage(replying(provider, json(Map.of("narrative", hostile)))), session);
        String narrative = canvas(result).narrative();
        String html = new CanvasRenderer().render(canvas(result));

        assertThat(result.path()).isEqualTo("ai");
        assertThat(narrative).hasSizeLessThanOrEqualTo(CanvasNarrative.MAX_NARRATIVE).endsWith("…")
                .startsWith("<script>alert(1)</script>\"><img src=x onerror=alert(1)> and on")
                .doesNotContain("\u0000", "\u202E", "\n", "\t");
        assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("<script").doesNotContain("<img src=x")
                .doesNotContain("onerror=");
        assertThat(html).contains("<p>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src&#x3D;x");
    }

    @Test
    void capsANarrativeFromAStoredDocumentOnRender() {
        Canvas doc = ((Canvas) Outputs.of(StageName.CANVAS)).withNarrative("x".repeat(50_000));

        String html = new CanvasRenderer().render(doc);

        assertThat(html).contains("x".repeat(CanvasNarrative.MAX_NARRATIVE - 1) + "…")
                .doesNotContain("x".repeat(CanvasNarrative.MAX_NARRATIVE));
    }

    private static void assertBasic(StageResult result, StageResult basic, String message) {
        assertThat(result.path()).isEqualTo("local");
        assertThat(result.state()).isEqualTo(StageState.DEGRADED);
        assertThat(result.data()).isEqualTo(basic.data());
        assertThat(canvas(result).narrative()).isNull();
        assertThat(result.message()).isEqualTo(message);
        assertThat(CostWording.in(result.message())).isEmpty();
    }

    private static Canvas canvas(StageResult result) {
        return result.data(Canvas.class).orElseThrow();
    }
}
