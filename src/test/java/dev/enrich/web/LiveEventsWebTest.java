package dev.enrich.web;

import static dev.enrich.web.Browser.stage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.events.JobEvent;
import dev.enrich.job.BatchView;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.stage.summary.AiSummaryStage;
import dev.enrich.testing.Outputs;
import dev.enrich.testing.ScriptedStages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drive the web page in headless Chromium against scripted stages, so the test decides when work advances: live
 * progress and ETA, an event stream cut server-side and resumed without lost or repeated stage transitions, cancel
 * and retry, a degraded summary explained as the basic summary (with a retry shown on the way), and a batch summary
 * that shows the server's batch view.
 */
class LiveEventsWebTest extends ScriptedPageTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void resumesAfterTheStreamDropsWithoutLosingOrRepeatingStageTransitions() throws Exception {
        stages.script(StageName.AUDIO, ctx -> ScriptedStages.untilGate(StageName.AUDIO, gate.asMono()));
        WebElement card = submit("Standup");

        // Live: the running stage spins with its own bar, the overall bar and an ETA move.
        WebElement audio = stage(card, "audio");
        browser.waitFor(d -> "running".equals(audio.getAttribute("data-state"))
                && Integer.parseInt(audio.findElement(By.cssSelector("[role=progressbar]"))
                        .getAttribute("aria-valuenow")) > 0);
        assertThat(audio.findElement(By.className("icon")).getText()).isEqualTo("⟳");
        assertThat(card.findElement(By.className("eta")).getText())
                .matches("Estimating time…|Almost done|~\\d+ (seconds|minutes?) remaining");
        assertThat(card.findElement(By.className("elapsed")).getText()).matches("Elapsed \\d+:\\d\\d");
        browser.screenshot("running");

        // Cut the stream and keep it cut while the job moves on and finishes.
        streams.dropAndRefuse();
        browser.waitForText(By.id("connection"), "Reconnecting…");
        String jobId = card.getAttribute("data-job-id");
        gate.tryEmitEmpty();
        browser.waitFor(TIMEOUT, d -> jobs.findById(jobId).block().state().isTerminal());
        assertThat(card.findElement(By.className("badge")).getText()).isEqualTo("Running");
        browser.screenshot("reconnecting");

        streams.accept();
        browser.waitForText(By.id("connection"), "Live");
        browser.awaitBadge("Standup", "Completed", TIMEOUT);
        assertThat(streams.resumedFrom().get(streams.resumedFrom().size() - 1)).matches("\\d+");
        // Every stage transition the server logged shows exactly once, in order.
        Map<String, String> expected = stageTransitions(jobId);
        assertThat(expected).containsEntry("audio", "running succeeded").containsKeys("summary", "canvas");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertThat(stage(card, e.getKey()).getAttribute("data-history")).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void cancelStopsARunningJobAndRetryFinishesIt() {
        stages.script(StageName.AUDIO, ctx -> ScriptedStages.forever(StageName.AUDIO, Duration.ofMillis(50)));
        WebElement card = submit("Cancel me");
        browser.waitFor(d -> "running".equals(stage(card, "audio").getAttribute("data-state")));

        card.findElement(By.className("cancel")).click();
        browser.awaitBadge("Cancel me", "Cancelled", TIMEOUT);
        assertThat(card.findElement(By.className("cancel")).isDisplayed()).isFalse();
        WebElement retry = card.findElement(By.className("retry"));
        assertThat(retry.isDisplayed()).isTrue();
        browser.waitFor(d -> stages.active() == 0);
        browser.screenshot("cancelled");

        stages.reset();
        retry.click();
        browser.awaitBadge("Cancel me", "Completed", TIMEOUT);
        assertThat(stage(card, "audio").getAttribute("data-state")).isEqualTo("succeeded");
    }

    @Test
    void degradedSummaryIsShownAsTheBasicSummary() {
        stages.script(StageName.SUMMARY, ctx -> gate.asMono().then(Mono.just(StageUpdate.done(
                StageResult.degraded(StageName.SUMMARY, Outputs.summary("Standup", "We shipped it.", List.of(),
                        List.of(), List.of("Tell the team.")), AiSummaryStage.UNREACHABLE_MESSAGE)))).flux());
        WebElement card = submit("Degraded");
        WebElement summary = stage(card, "summary");
        browser.waitFor(d -> "running".equals(summary.getAttribute("data-state")));

        // A retry of the AI call shows on the stage while it waits.
        String jobId = card.getAttribute("data-job-id");
        events.publish(JobEvent.retrying(jobs.findById(jobId).block().withProgress(0.5, null, "Running."),
                StageName.SUMMARY, 2, 4, Duration.ofSeconds(4), clock.instant())).block(TIMEOUT);
        browser.waitFor(d -> "retrying".equals(summary.getAttribute("data-state")));
        assertThat(summary.findElement(By.className("icon")).getText()).isEqualTo("↻");
        assertThat(summary.findElement(By.className("stage-message")).getText())
                .isEqualTo("Couldn't reach the AI service. Retrying in 4s...");

        gate.tryEmitEmpty();
        browser.awaitBadge("Degraded", "Partially enriched", TIMEOUT);
        assertThat(summary.findElement(By.className("icon")).getText()).isEqualTo("!");
        assertThat(summary.findElement(By.className("stage-message")).getText())
                .isEqualTo(AiSummaryStage.UNREACHABLE_MESSAGE);
        assertThat(card.findElement(By.className("notice")).getText()).startsWith("Partially enriched: ");
        WebElement result = browser.waitFor(d -> card.findElement(By.className("result-summary")));
        assertThat(result.findElement(By.tagName("h4")).getText()).isEqualTo("Summary (basic summary)");
        assertThat(result.findElement(By.className("outcome")).getText()).isEqualTo(AiSummaryStage.UNREACHABLE_MESSAGE);
        assertThat(result.findElement(By.className("action-items")).getText()).isEqualTo("Tell the team.");
        browser.script("arguments[0].scrollIntoView()", card);
        browser.screenshot("degraded");
    }

    @Test
    void batchSummaryShowsTheServersBatchView() {
        stages.script(StageName.SUMMARY, ctx -> ScriptedStages.untilGate(StageName.SUMMARY, gate.asMono()));
        for (String title : List.of("Batch one", "Batch two")) {
            WebElement field = browser.driver.findElement(By.id("title"));
            field.clear();
            field.sendKeys(title);
            browser.driver.findElement(By.id("notes")).sendKeys("We shipped it. TODO: tell the team.");
            browser.driver.findElement(By.id("add-to-batch")).click();
            browser.waitFor(d -> d.findElement(By.id("batch-sessions")).getText().contains(title));
        }
        browser.driver.findElement(By.id("start-batch")).click();
        WebElement batch = browser.waitFor(d -> d.findElement(By.cssSelector("#batches .batch")));
        String batchId = batch.getAttribute("data-batch-id");
        List<String> jobIds = List.of(browser.card("Batch one").getAttribute("data-job-id"),
                browser.card("Batch two").getAttribute("data-job-id"));
        browser.waitFor(d -> "running".equals(stage(browser.card("Batch two"), "summary").getAttribute("data-state")));
        browser.waitForText(By.cssSelector("#batches .batch-count"), "0 of 2 done");

        // A view the page could not work out from its cards (both are still running): it must show the server's.
        events.publishBatch(JobEvent.batch(new BatchView(batchId, JobState.RUNNING, 2, 1,
                Map.of(JobState.RUNNING, 1, JobState.COMPLETED, 1), 0.75, 150L, "~3 minutes remaining",
                "1 of 2 sessions done", jobIds, clock.instant()), "web", clock.instant())).block(TIMEOUT);
        browser.waitForText(By.cssSelector("#batches .batch-count"), "1 of 2 done");
        assertThat(batch.findElement(By.cssSelector("[role=progressbar]")).getAttribute("aria-valuenow"))
                .isEqualTo("75");
        assertThat(batch.findElement(By.cssSelector("[role=progressbar]")).getAttribute("aria-valuetext"))
                .isEqualTo("75%, ~3 minutes remaining");
        assertThat(batch.findElement(By.className("pct")).getText()).isEqualTo("75%");
        assertThat(batch.findElement(By.className("eta")).getText()).isEqualTo("~3 minutes remaining");
        assertThat(browser.card("Batch one").findElement(By.className("badge")).getText()).isEqualTo("Running");
        browser.screenshot("batch-running");

        gate.tryEmitEmpty();
        browser.awaitBadge("Batch one", "Completed", TIMEOUT);
        browser.awaitBadge("Batch two", "Completed", TIMEOUT);
        browser.waitForText(By.cssSelector("#batches .batch-count"), "2 of 2 done");
        assertThat(batch.findElement(By.cssSelector("[role=progressbar]")).getAttribute("aria-valuenow"))
                .isEqualTo("100");
        assertThat(batch.findElement(By.cssSelector("[role=progressbar]")).getAttribute("aria-valuetext"))
                .isEqualTo("100%, All sessions done.");
        assertThat(batch.findElement(By.className("eta")).getText()).isEqualTo("All sessions done.");

        // A fresh page gets no batch event (the snapshot lists jobs only): the card asks the server for its view.
        browser.open();
        WebElement reloaded = browser.waitFor(d -> d.findElement(By.cssSelector(
                "#batches .batch[data-batch-id='" + batchId + "']")));
        browser.waitFor(d -> reloaded.findElement(By.className("batch-count")).getText().equals("2 of 2 done"));
        assertThat(reloaded.findElement(By.className("eta")).getText()).isEqualTo("All sessions done.");
    }

    private WebElement submit(String title) {
        return browser.submit(title, "We shipped it. TODO: tell the team.", wav);
    }

    // The server's own record: the job stream replayed from the start, stage events only, per stage in order.
    private Map<String, String> stageTransitions(String jobId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/" + jobId
                + "/events")).header("Last-Event-ID", "0").header("Authorization", "Bearer " + Browser.API_KEY)
                .timeout(TIMEOUT).build();
        String body = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
        Map<String, String> transitions = new LinkedHashMap<>();
        for (String block : body.split("\n\n")) {
            if (block.contains("event:stage\n")) {
                JsonNode data = JSON.readTree(block.substring(block.indexOf("data:") + 5));
                transitions.merge(data.get("stage").asString(), data.get("stageState").asString(),
                        (a, b) -> a + " " + b);
            }
        }
        return transitions;
    }
}
