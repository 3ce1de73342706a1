package dev.enrich.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.stage.video.VideoFixtures;
import dev.enrich.testing.CostWording;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * Drive the web page in headless Chromium against the service with its real local processors: upload a generated
 * WAV and MP4 through the form and watch it finish with results and canvas, see a truncated WAV explained as
 * partially enriched, drop a file on the drop zone and run it, run a batch, switch themes, sign out, and find no
 * cost wording anywhere.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.media.dir=${java.io.tmpdir}/enrich-web-media", Browser.KEY_PROPERTIES_0, Browser.KEY_PROPERTIES_1,
        Browser.KEY_PROPERTIES_2})
@Import(WebTestConfiguration.class)
class WebPageTest {

    private static final String NOTES = "We reviewed the checkout redesign. The payment form is too long. "
            + "We need to cut the address fields. TODO: ask design for a one-page layout.";
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static String wav;
    static String truncatedWav;
    static String mp4;
    static String talkWavBase64;
    static Browser browser;

    @LocalServerPort
    int port;

    @BeforeAll
    static void media() throws IOException {
        byte[] audio = WavFixtures.bytes(WavFixtures.Format.mono16(16000), 9,
                WavFixtures.bursts(16000, new double[][] {{1, 3}, {4.5, 7}}, 0.3, 300, 0.001));
        wav = Browser.file(dir, "review.wav", audio);
        // A header promising 9 s, then 100 ms of samples: the audio stage fails, the rest goes on.
        truncatedWav = Browser.file(dir, "truncated.wav", Arrays.copyOf(audio, 44 + 3200));
        Path video = dir.resolve("screen.mp4");
        VideoFixtures.encodeMp4(video, 320, 180, 10, 90, 10, VideoFixtures.scenes(30));
        mp4 = video.toAbsolutePath().toString();
        talkWavBase64 = Base64.getEncoder().encodeToString(WavFixtures.bytes(WavFixtures.Format.mono16(16000), 3,
                WavFixtures.bursts(16000, new double[][] {{0.5, 2}}, 0.3, 300, 0.001)));
    }

    @BeforeEach
    void signIn() {
        if (browser == null) {
            browser = Browser.start(port);
        }
        browser.resize(1280, 900);
        browser.signIn();
    }

    @AfterEach
    void cleanConsole() {
        if (browser != null) {
            browser.assertCleanConsole();
        }
    }

    @AfterAll
    static void quit() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void uploadedSessionRunsLiveAndShowsResultsAndCanvas() throws IOException {
        fill("Checkout review", NOTES, "Hello. We looked at the checkout. It is long.");
        chooseFiles(wav, mp4);
        assertThat(browser.driver.findElement(By.id("chosen-files")).getText())
                .contains("Audio: review.wav").contains("Video: screen.mp4");
        browser.driver.findElement(By.id("start")).click();

        WebElement card = browser.awaitBadge("Checkout review", "Completed", JOB_TIMEOUT);
        // Histories come from live stage events only: the page saw each stage start and finish.
        for (String stage : List.of("audio", "video", "summary", "canvas")) {
            assertThat(stageElement(card, stage).getAttribute("data-history")).isEqualTo("running succeeded");
            assertThat(stageElement(card, stage).findElement(By.className("icon")).getText()).isEqualTo("✓");
        }
        WebElement overall = card.findElement(By.cssSelector(".overall [role=progressbar]"));
        assertThat(overall.getAttribute("aria-valuenow")).isEqualTo("100");
        assertThat(card.findElement(By.className("pct")).getText()).isEqualTo("100%");
        assertThat(card.findElement(By.className("elapsed")).getText()).matches("Elapsed \\d+:\\d\\d");

        // Results: audio stats and speech timeline, chapters with key frames, transcript, summary, canvas.
        browser.waitFor(d -> card.findElements(By.cssSelector(".result-canvas .canvas-host")).size() == 1);
        assertThat(card.findElement(By.cssSelector(".result-audio .stats")).getText())
                .contains("Length").contains("0:09").contains("Speech");
        assertThat(card.findElements(By.cssSelector(".timeline .speech"))).hasSize(2);
        // Loudness per second as an SVG line: one point a second, speech (from 1 s) drawn above the quiet start.
        WebElement loudness = card.findElement(By.cssSelector(".result-audio svg.loudness"));
        assertThat(loudness.getAttribute("aria-label")).startsWith("Loudness per second: ").endsWith(" dBFS");
        List<double[]> points = Stream.of(loudness.findElement(By.tagName("polyline")).getAttribute("points")
                .split(" ")).map(p -> Stream.of(p.split(",")).mapToDouble(Double::parseDouble).toArray()).toList();
        assertThat(points).hasSize(9);
        assertThat(points.get(1)[1]).isLessThan(points.get(0)[1]);
        assertThat(card.findElement(By.className("transcript")).getText()).contains("We looked at the checkout.");
        assertThat(card.findElement(By.className("action-items")).getText())
                .contains("We need to cut the address fields.");
        browser.waitFor(d -> Boolean.TRUE.equals(browser.script("return [...arguments[0].querySelectorAll("
                + "'.chapters img')].every(i => i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0)"
                + " && arguments[0].querySelectorAll('.chapters img').length === 3", card)));
        browser.waitFor(d -> Boolean.TRUE.equals(browser.script("const r = arguments[0].querySelector("
                + "'.canvas-host').shadowRoot; return !!r && r.textContent.includes('We need to cut the address')"
                + " && [...r.querySelectorAll('img')].every(i => i.src.startsWith('blob:') && i.complete)", card)));
        // The canvas's own stylesheet applies under the page's strict CSP.
        assertThat(browser.script("return getComputedStyle(arguments[0].querySelector('.canvas-host').shadowRoot"
                + ".querySelector('.chapters')).display", card)).isEqualTo("grid");
        assertThat(card.findElement(By.cssSelector(".canvas-actions a")).getAttribute("href")).startsWith("blob:");

        browser.script("arguments[0].scrollIntoView()", card);
        Path shot = browser.screenshot("completed");
        if (Boolean.getBoolean("enrich.docs.screenshot")) {
            // Refresh the README's picture on request only: -Denrich.docs.screenshot=true.
            Files.copy(shot, Path.of("docs", "page.png"), StandardCopyOption.REPLACE_EXISTING);
        }
        assertNoCostWording();
    }

    @Test
    void truncatedAudioIsExplainedAsPartiallyEnriched() {
        fill("Truncated audio", NOTES, "");
        chooseFiles(truncatedWav, mp4);
        browser.driver.findElement(By.id("start")).click();

        WebElement card = browser.awaitBadge("Truncated audio", "Partially enriched", JOB_TIMEOUT);
        assertThat(card.findElement(By.className("notice")).getText())
                .isEqualTo("Partially enriched: Session partially enriched (video only) Results below show what"
                        + " did work.");
        WebElement audio = stageElement(card, "audio");
        assertThat(audio.getAttribute("data-state")).isEqualTo("failed");
        assertThat(audio.findElement(By.className("icon")).getText()).isEqualTo("✗");
        assertThat(audio.findElement(By.className("stage-message")).getText()).isNotBlank();
        browser.waitFor(d -> !card.findElements(By.cssSelector(".result-audio .outcome-failed")).isEmpty());
        assertThat(stageElement(card, "video").getAttribute("data-state")).isEqualTo("succeeded");
        browser.script("arguments[0].scrollIntoView()", card);
        browser.screenshot("partial");
    }

    @Test
    void batchOfTwoSessionsShowsCountsProgressAndFinishes() {
        fill("Retro notes", "We talked about the release. TODO: book the room for the next retro.", "");
        browser.driver.findElement(By.id("add-to-batch")).click();
        browser.waitFor(d -> d.findElement(By.id("batch-sessions")).getText().contains("Retro notes"));
        fill("Planning notes", "We planned the sprint. We need to fix the login bug first.", "");
        browser.driver.findElement(By.id("add-to-batch")).click();
        browser.waitForText(By.id("start-batch"), "Start batch of 2");
        browser.driver.findElement(By.id("start-batch")).click();

        WebElement batch = browser.waitFor(d -> d.findElement(By.cssSelector("#batches .batch")));
        browser.awaitBadge("Retro notes", "Completed", JOB_TIMEOUT);
        browser.awaitBadge("Planning notes", "Completed", JOB_TIMEOUT);
        browser.waitFor(d -> batch.findElement(By.className("batch-count")).getText().equals("2 of 2 done"));
        assertThat(batch.findElement(By.cssSelector("[role=progressbar]")).getAttribute("aria-valuenow"))
                .isEqualTo("100");
        assertThat(batch.findElement(By.className("eta")).getText()).isEqualTo("All sessions done.");
        assertThat(browser.driver.findElement(By.id("batch-draft")).isDisplayed()).isFalse();
        browser.screenshot("batch");
    }

    @Test
    void droppedFileIsChosenAndRunsToCompletion() {
        fill("Dropped talk", "", "");
        for (String stage : List.of("video", "canvas")) {
            browser.driver.findElement(By.cssSelector("input[name=stage][value=" + stage + "]")).click();
        }
        String page = browser.driver.getCurrentUrl();

        // A drop beside the zone: the page cancels it (so the browser would not open the file) and keeps no file.
        assertThat(drop("document.body", talkWavBase64)).isEqualTo(List.of(true, true, false));
        assertThat(browser.driver.findElement(By.id("chosen-files")).getText()).isEmpty();

        // A drop on the zone: dragover highlights it, the drop chooses the file.
        assertThat(drop("document.getElementById('drop-zone')", talkWavBase64)).isEqualTo(List.of(true, true, true));
        assertThat(browser.driver.findElement(By.id("chosen-files")).getText()).isEqualTo("Audio: talk.wav");
        assertThat(browser.driver.findElement(By.id("drop-zone")).getAttribute("class")).doesNotContain("dragging");
        assertThat(browser.driver.getCurrentUrl()).isEqualTo(page);

        browser.driver.findElement(By.id("start")).click();
        WebElement card = browser.awaitBadge("Dropped talk", "Completed", JOB_TIMEOUT);
        assertThat(stageElement(card, "audio").getAttribute("data-state")).isEqualTo("succeeded");
        browser.waitFor(d -> card.findElement(By.cssSelector(".result-audio .stats")).getText().contains("0:03"));
        assertThat(browser.driver.getCurrentUrl()).isEqualTo(page);
        assertThat(browser.driver.findElement(By.id("chosen-files")).getText()).isEmpty();
    }

    @Test
    void darkThemeToggleIsRememberedAndThePageFitsAPhone() {
        WebElement toggle = browser.driver.findElement(By.id("theme-toggle"));
        String before = background();
        if ("true".equals(toggle.getAttribute("aria-pressed"))) {
            toggle.click();
        }
        toggle.click();
        assertThat(browser.script("return document.documentElement.dataset.theme")).isEqualTo("dark");
        assertThat(toggle.getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(background()).isEqualTo("rgb(18, 20, 24)");
        browser.open();
        assertThat(background()).isEqualTo("rgb(18, 20, 24)");
        browser.screenshot("dark");

        browser.resize(390, 844);
        assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
        browser.screenshot("phone");

        browser.driver.findElement(By.id("theme-toggle")).click();
        assertThat(background()).isNotEqualTo("rgb(18, 20, 24)");
        assertThat(before).isNotBlank();
    }

    @Test
    void signOutForgetsTheKeyAndSignInBringsThePageBack() {
        assertThat(browser.script("return sessionStorage.getItem('enrich.apiKey')")).isEqualTo(Browser.API_KEY);
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(Browser.API_KEY);
        browser.driver.findElement(By.id("sign-out")).click();
        browser.waitFor(d -> d.findElement(By.id("sign-in")).isDisplayed());
        assertThat(browser.script("return sessionStorage.getItem('enrich.apiKey')")).isNull();
        assertThat(browser.driver.findElement(By.id("app")).isDisplayed()).isFalse();
        browser.screenshot("sign-in");
        browser.signIn();
        assertThat(browser.driver.findElement(By.id("app")).isDisplayed()).isTrue();
    }

    @Test
    void pageAndAssetsHoldNoCostWording() throws IOException {
        assertNoCostWording();
        try (Stream<Path> assets = Files.walk(Path.of("src", "main", "resources", "static"))) {
            for (Path asset : assets.filter(Files::isRegularFile).toList()) {
                assertThat(CostWording.inCode(Files.readString(asset, StandardCharsets.UTF_8)))
                        .as("cost wording in %s", asset).isEmpty();
            }
        }
    }

    @Test
    void testKeyMatchesTheConfiguredDigest() throws NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Browser.API_KEY.getBytes(StandardCharsets.UTF_8));
        assertThat(HexFormat.of().formatHex(digest)).isEqualTo(Browser.API_KEY_SHA256);
    }

    private void assertNoCostWording() {
        String text = (String) browser.script("return document.body.innerText + ' ' + document.documentElement"
                + ".outerHTML + [...document.querySelectorAll('.canvas-host')].map(h => h.shadowRoot"
                + " ? h.shadowRoot.textContent : '').join(' ')");
        assertThat(CostWording.inCode(text)).isEmpty();
    }

    /**
     * Drop a WAV named talk.wav on {@code target} (a script expression) with synthetic dragover and drop events
     * carrying a DataTransfer; return [dragover cancelled, drop cancelled, target highlighted during dragover].
     */
    @SuppressWarnings("unchecked")
    private static List<Boolean> drop(String target, String base64) {
        return (List<Boolean>) browser.script("const target = " + target + ";"
                + "const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));"
                + "const data = new DataTransfer();"
                + "data.items.add(new File([bytes], 'talk.wav', {type: 'audio/wav'}));"
                + "const init = {bubbles: true, cancelable: true, dataTransfer: data};"
                + "const over = new DragEvent('dragover', init);"
                + "target.dispatchEvent(over);"
                + "const highlighted = target.classList.contains('dragging');"
                + "const drop = new DragEvent('drop', init);"
                + "target.dispatchEvent(drop);"
                + "return [over.defaultPrevented, drop.defaultPrevented, highlighted];", base64);
    }

    private String background() {
        return (String) browser.script("return getComputedStyle(document.body).backgroundColor");
    }

    private static void fill(String title, String notes, String transcript) {
        set("title", title);
        set("notes", notes);
        set("transcript", transcript);
    }

    private static void set(String id, String value) {
        WebElement field = browser.driver.findElement(By.id(id));
        field.clear();
        if (!value.isEmpty()) {
            field.sendKeys(value);
        }
    }

    private static void chooseFiles(String audio, String video) {
        browser.driver.findElement(By.id("audio")).sendKeys(audio);
        browser.driver.findElement(By.id("video")).sendKeys(video);
    }

    private static WebElement stageElement(WebElement card, String stage) {
        return card.findElement(By.cssSelector(".stage[data-stage='" + stage + "']"));
    }
}
