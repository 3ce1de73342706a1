package dev.enrich.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import dev.enrich.testing.TestAuthAutoConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Open the interactive API page (Swagger UI) in headless Chromium under the service's own strict
 * Content-Security-Policy: it loads the description, shows every operation and, signed in with an API key through
 * Authorize, calls the API, with no CSP violation or script error.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "enrich.media.dir=${java.io.tmpdir}/enrich-web-media")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiPageWebTest {

    /** Every route of the API: OpenApiDocumentTest checks that the description has exactly these. */
    private static final int OPERATIONS = 21;

    @LocalServerPort
    int port;

    Browser browser;

    @BeforeAll
    void start() {
        browser = Browser.start(port);
    }

    @AfterAll
    void quit() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void pageShowsEveryOperationAndCallsTheApiUnderTheStrictPolicy() {
        browser.load("/swagger-ui.html");
        List<WebElement> operations = browser.waitFor(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(".opblock"));
            return found.size() >= OPERATIONS ? found : null;
        });
        assertThat(operations).hasSize(OPERATIONS);
        assertThat(browser.driver.findElement(By.cssSelector(".info .title")).getText()).startsWith("Enrich API");
        assertThat(browser.driver.findElements(By.cssSelector(".opblock-tag")).stream().map(WebElement::getText)
                .map(text -> text.lines().findFirst().orElse("")))
                .containsExactly("Sessions", "Jobs", "Batches", "Events", "Administration");

        // Sign in with an API key through Authorize, then try a call: it reaches the API from the page.
        browser.driver.findElement(By.cssSelector(".auth-wrapper .authorize")).click();
        WebElement apiKey = browser.waitFor(d -> d.findElement(By.cssSelector(".auth-container input")));
        apiKey.sendKeys(TestAuthAutoConfiguration.KEY);
        browser.driver.findElement(By.cssSelector(".auth-container .modal-btn.authorize")).click();
        browser.driver.findElement(By.cssSelector(".modal-ux .close-modal")).click();
        WebElement listJobs = browser.driver.findElement(By.id("operations-Jobs-listJobs"));
        listJobs.findElement(By.cssSelector(".opblock-summary")).click();
        browser.waitFor(d -> listJobs.findElement(By.cssSelector(".try-out__btn"))).click();
        browser.waitFor(d -> listJobs.findElement(By.cssSelector(".execute"))).click();
        browser.waitFor(d -> listJobs.findElements(By.cssSelector(".live-responses-table .response-col_status"))
                .stream().anyMatch(status -> status.getText().equals("200")));
        browser.assertCleanConsole();
    }
}
