package dev.enrich.web;

import static dev.enrich.web.Browser.stage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.events.JobEvent;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.stage.summary.AiSummaryStage;
import dev.enrich.testing.Outputs;
import dev.enrich.testing.ScriptedStages;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The page for everyone, in headless Chromium against scripted stages: axe-core finds no serious or critical
 * violation in the idle, running, completed, partial and error states (light and dark); a keyboard alone starts an
 * enrichment and reaches its results; progress bars tell their value and ETA; and stage changes, not progress ticks,
 * are announced through the one polite live region.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessibleWebTest extends ScriptedPageTest {

    private static final String NOTES = "We shipped it. TODO: tell the team.";

    private final Map<String, List<String>> violations = new LinkedHashMap<>();

    @AfterEach
    void systemTheme() {
        if (browser != null) {
            browser.script("document.documentElement.removeAttribute('data-theme')");
        }
    }

    @Test
    @Order(1)
    void axeFindsNoSeriousOrCriticalViolationInAnyState() {
        // Idle: nothing runs (other classes on this service may have left finished jobs on the page).
        browser.waitFor(d -> d.findElements(By.cssSelector(".job[data-state=running], .job[data-state=queued]"))
                .isEmpty());
        audit("idle");

        stages.script(StageName.AUDIO, ctx -> ScriptedStages.untilGate(StageName.AUDIO, gate.asMono()));
        WebElement running = submit("Running session");
        browser.waitFor(d -> "running".equals(stage(running, "audio").getAttribute("data-state")));
        audit("running");

        gate.tryEmitEmpty();
        WebElement completed = browser.awaitBadge("Running session", "Completed", TIMEOUT);
        browser.waitFor(d -> completed.findElements(By.cssSelector(".result-summary")).size() == 1);
        audit("completed");

        stages.script(StageName.SUMMARY, ctx -> Flux.just(StageUpdate.done(StageResult.degraded(StageName.SUMMARY,
                Outputs.summary("Degraded", "We shipped it.", List.of(), List.of(), List.of("Tell the team.")),
                AiSummaryStage.UNREACHABLE_MESSAGE))));
        submit("Degraded session");
        WebElement partial = browser.awaitBadge("Degraded session", "Partially enriched", TIMEOUT);
        browser.waitFor(d -> partial.findElements(By.cssSelector(".result-summary")).size() == 1);
        audit("partial");

        for (StageName name : StageName.values()) {
            stages.script(name, ctx -> Flux.just(StageUpdate.done(StageResult.failed(name, "This did not work."))));
        }
        submit("Failed session");
        browser.awaitBadge("Failed session", "Failed", TIMEOUT);
        // And the form's own error: no title.
        browser.driver.findElement(By.id("title")).clear();
        browser.driver.findElement(By.id("start")).click();
        browser.waitForText(By.id("form-error"), "Give the session a title.");
        audit("error");

        assertThat(violations).hasSize(10).allSatisfy((state, found) -> assertThat(found).as(state).isEmpty());
    }

    @Test
    void keyboardAloneStartsAnEnrichmentAndReachesItsResults() {
        // Tab from the top of the page to the title, type, and on to the start button; Enter starts it.
        browser.script("document.activeElement.blur()");
        tabTo("#title");
        new Actions(browser.driver).sendKeys("Keyboard session").perform();
        tabTo("#notes");
        new Actions(browser.driver).sendKeys(NOTES).perform();
        // Space toggles a stage off and on again.
        tabTo("input[name=stage][value=video]");
        new Actions(browser.driver).sendKeys(Keys.SPACE).perform();
        assertThat(focused("checked")).isEqualTo(false);
        new Actions(browser.driver).sendKeys(Keys.SPACE).perform();
        assertThat(focused("checked")).isEqualTo(true);
        tabTo("#start");
        new Actions(browser.driver).sendKeys(Keys.ENTER).perform();

        WebElement card = browser.awaitBadge("Keyboard session", "Completed", TIMEOUT);
        // The results open by themselves; Tab reaches their summary, Space closes and opens them again.
        browser.waitFor(d -> card.findElements(By.cssSelector(".result-summary")).size() == 1);
        tabTo("li.job[data-job-id='" + card.getAttribute("data-job-id") + "'] details.results > summary");
        new Actions(browser.driver).sendKeys(Keys.SPACE).perform();
        browser.waitFor(d -> !card.findElement(By.className("results")).getDomProperty("open").equals("true"));
        new Actions(browser.driver).sendKeys(Keys.ENTER).perform();
        browser.waitFor(d -> card.findElement(By.className("results")).getDomProperty("open").equals("true"));
        // The same way works with Space on the start button.
        WebElement title = browser.driver.findElement(By.id("title"));
        title.clear();
        title.sendKeys("Space session");
        browser.driver.findElement(By.id("notes")).sendKeys(NOTES);
        browser.script("document.getElementById('start').focus()");
        new Actions(browser.driver).sendKeys(Keys.SPACE).perform();
        browser.awaitBadge("Space session", "Completed", TIMEOUT);
    }

    @Test
    void progressBarsTellTheirValueAndEtaAndOnlyStageChangesAreAnnounced() {
        Sinks.Many<StageUpdate> audio = Sinks.many().unicast().onBackpressureBuffer();
        stages.script(StageName.AUDIO, ctx -> audio.asFlux());
        // Record every change of the live region.
        browser.script("""
                window.announced = [];
                const region = document.getElementById('status');
                new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(
                    node => window.announced.push(node.textContent))))
                  .observe(region, {childList: true, characterData: true, subtree: true});
                """);
        assertThat(browser.driver.findElements(By.cssSelector("[aria-live]"))).hasSize(1);
        WebElement card = submit("Announced session");
        WebElement audioStage = stage(card, "audio");
        browser.waitFor(d -> "running".equals(audioStage.getAttribute("data-state"))
                && announced().containsAll(List.of("Started enriching Announced session.",
                        "Announced session: audio running", "Announced session: video skipped")));
        int before = announced().size();

        // A run of progress events: the bars move and tell the ETA, the live region keeps still. The runner sends
        // at most one progress event per interval, so each tick is offered until the page shows it.
        WebElement stageBar = audioStage.findElement(By.cssSelector("[role=progressbar]"));
        for (int pct = 10; pct <= 90; pct += 10) {
            double fraction = pct / 100.0;
            String shown = String.valueOf(pct);
            browser.waitFor(d -> {
                audio.tryEmitNext(StageUpdate.progress(fraction, "Listening"));
                return shown.equals(stageBar.getAttribute("aria-valuenow"));
            });
        }
        assertThat(stageBar.getAttribute("aria-valuetext")).isEqualTo("90%");
        WebElement overall = card.findElement(By.cssSelector(".overall [role=progressbar]"));
        assertThat(overall.getAttribute("aria-valuetext")).isEqualTo(overall.getAttribute("aria-valuenow") + "%, "
                + card.findElement(By.className("eta")).getText());
        assertThat(overall.getAttribute("aria-valuetext"))
                .matches("\\d+%, (Estimating time(…|\\.\\.\\.)|Almost done|~\\d+ (seconds|minutes?) remaining)");
        // With a measured ETA the bar says it: a progress event as the runner sends it, three minutes to go.
        String jobId = card.getAttribute("data-job-id");
        events.publish(JobEvent.progress(jobs.findById(jobId).block(TIMEOUT).withProgress(0.5, 180L, "Listening"),
                StageName.AUDIO, clock.instant())).block(TIMEOUT);
        browser.waitFor(d -> "50%, ~3 minutes remaining".equals(overall.getAttribute("aria-valuetext")));
        assertThat(announced()).hasSize(before);

        // A stage change is announced.
        audio.tryEmitNext(StageUpdate.done(StageResult.succeeded(StageName.AUDIO, Outputs.of(StageName.AUDIO))));
        audio.tryEmitComplete();
        browser.awaitBadge("Announced session", "Completed", TIMEOUT);
        browser.waitFor(d -> announced().contains("Announced session: Completed"));
        assertThat(announced().subList(before, announced().size()))
                .containsSubsequence("Announced session: audio done", "Announced session: Completed");
        assertThat(overall.getAttribute("aria-valuetext")).isEqualTo("100%, Completed");
    }

    // Audit the state in the light and the dark theme; the test asserts them all at its end.
    private void audit(String state) {
        for (String theme : List.of("light", "dark")) {
            browser.script("document.documentElement.dataset.theme = arguments[0]", theme);
            violations.put(state + " (" + theme + ")", Axe.blockingViolations(browser, state + " (" + theme + ")"));
        }
    }

    // Press Tab (at most 200 times) until the element matching the CSS selector has the focus.
    private void tabTo(String selector) {
        for (int i = 0; i < 200; i++) {
            if (Boolean.TRUE.equals(browser.script("return document.activeElement.matches(arguments[0])", selector))) {
                return;
            }
            new Actions(browser.driver).sendKeys(Keys.TAB).perform();
        }
        throw new AssertionError("Tab never reached " + selector);
    }

    @SuppressWarnings("unchecked")
    private List<String> announced() {
        return (List<String>) browser.script("return window.announced");
    }

    private Object focused(String property) {
        return browser.script("return document.activeElement[arguments[0]]", property);
    }

    private WebElement submit(String title) {
        return browser.submit(title, NOTES, wav);
    }
}
