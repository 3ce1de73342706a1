package dev.enrich.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.RequiredTool;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Drive the system's headless Chromium with the system chromedriver (never a downloaded one). Where either is
 * missing, tests are skipped with a clear message; on CI ({@code CI} set, or {@code ENRICH_BROWSER_TESTS=required})
 * they fail instead.
 */
final class Browser implements AutoCloseable {

    /** The API key the tests sign in with; the test servers configure its SHA-256. */
    static final String API_KEY = "enrich-web-test-key";
    /** SHA-256 hex of {@link #API_KEY}, for {@code enrich.security.api-keys[0].sha256}. */
    static final String API_KEY_SHA256 = "e15025b170668a13de87cf4ca873cd1b3fd3f416b652f95d7242c7a45da766d8";
    /** Properties that let {@link #API_KEY} in once security lands (ignored until then). */
    static final String KEY_PROPERTIES_0 = "enrich.security.api-keys[0].sha256=" + API_KEY_SHA256;
    static final String KEY_PROPERTIES_1 = "enrich.security.api-keys[0].tenant=web";
    static final String KEY_PROPERTIES_2 = "enrich.security.api-keys[0].roles=USER";

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);

    final WebDriver driver;
    private final String base;
    private final Path profile;

    private Browser(WebDriver driver, String base, Path profile) {
        this.driver = driver;
        this.base = base;
        this.profile = profile;
    }

    /** Start headless Chromium at 1280x900 for the service on {@code port}, or skip (fail on CI) without one. */
    static Browser start(int port) {
        Path chromium = executable("ENRICH_CHROMIUM", "/usr/bin/chromium");
        Path driverBinary = executable("ENRICH_CHROMEDRIVER", "/usr/bin/chromedriver");
        String missing = (Files.isExecutable(chromium) ? "" : " " + chromium)
                + (Files.isExecutable(driverBinary) ? "" : " " + driverBinary);
        RequiredTool.assume(missing.isEmpty(), "Chromium or chromedriver (missing:" + missing + ")",
                "sudo apt-get install -y chromium chromium-driver", "Browser tests", required(),
                "CI or ENRICH_BROWSER_TESTS=required");
        try {
            Path profile = Files.createTempDirectory("enrich-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1280,900", "--user-data-dir=" + profile);
            options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(driverBinary.toFile()).usingAnyFreePort().build();
            return new Browser(new ChromeDriver(service, options), "http://localhost:" + port, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean required() {
        return RequiredTool.onCi() || "required".equals(System.getenv("ENRICH_BROWSER_TESTS"));
    }

    private static Path executable(String env, String fallback) {
        String value = System.getenv(env);
        return Path.of(value == null || value.isBlank() ? fallback : value);
    }

    /** Load {@code path} of the service, e.g. {@code /swagger-ui.html}. */
    void load(String path) {
        driver.get(base + path);
    }

    /** Open the page (keeps the tab's sessionStorage, hence the key). */
    void open() {
        load("/");
        waitFor(d -> d.findElement(By.id("app")).isDisplayed() || d.findElement(By.id("sign-in")).isDisplayed());
    }

    /** Sign in through the page's form with {@link #API_KEY} and wait for the live event stream. */
    void signIn() {
        open();
        if (driver.findElement(By.id("sign-in")).isDisplayed()) {
            driver.findElement(By.id("api-key")).sendKeys(API_KEY);
            driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
        }
        waitForText(By.id("connection"), "Live");
    }

    /** Wait until a condition holds (polls the DOM; no sleeps). */
    <T> T waitFor(ExpectedCondition<T> condition) {
        return waitFor(WAIT, condition);
    }

    <T> T waitFor(Duration timeout, ExpectedCondition<T> condition) {
        try {
            return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).ignoring(RuntimeException.class)
                    .until(condition);
        } catch (TimeoutException e) {
            // Keep what the page showed: a screenshot and the text of the connection state and job cards.
            Path shot = screenshot("timeout-" + System.currentTimeMillis());
            throw new TimeoutException("Page state (" + shot + "): " + script("return (document.getElementById("
                    + "'connection') || {}).textContent + ' | ' + [...document.querySelectorAll('.job')].map(j => "
                    + "j.dataset.state + ': ' + j.innerText.replace(/\\s+/g, ' ')).join(' | ')") + " console: "
                    + driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                            .filter(m -> !m.contains("stream-tickets")).toList(), e);
        }
    }

    void waitForText(By by, String text) {
        waitFor(d -> d.findElement(by).getText().equals(text));
    }

    /** Return the job card whose title is {@code title}, once it is on the page. */
    WebElement card(String title) {
        return waitFor(d -> d.findElement(By.xpath(
                "//li[contains(@class,'job')][.//h3[normalize-space()='" + title + "']]")));
    }

    /** Wait until the card shows the job state badge text, e.g. "Completed". */
    WebElement awaitBadge(String title, String badge, Duration timeout) {
        return waitFor(timeout, d -> {
            WebElement card = card(title);
            return card.findElement(By.className("badge")).getText().equals(badge) ? card : null;
        });
    }

    /** Fill the form with {@code title}, {@code notes} and the WAV at {@code wav}, start it, and return its card. */
    WebElement submit(String title, String notes, String wav) {
        WebElement field = driver.findElement(By.id("title"));
        field.clear();
        field.sendKeys(title);
        driver.findElement(By.id("notes")).clear();
        driver.findElement(By.id("notes")).sendKeys(notes);
        driver.findElement(By.id("audio")).sendKeys(wav);
        driver.findElement(By.id("start")).click();
        return card(title);
    }

    /** Return a job card's row of the stage {@code name}, e.g. "audio". */
    static WebElement stage(WebElement card, String name) {
        return card.findElement(By.cssSelector(".stage[data-stage='" + name + "']"));
    }

    Object script(String js, Object... args) {
        return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Resize the window (CSS pixels of the viewport are a little smaller). */
    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Save a screenshot of the viewport as target/screenshots/{name}.png and return its path. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            byte[] png = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            return Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Assert the console holds no CSP violation and no uncaught script error since the last call. */
    void assertCleanConsole() {
        List<String> problems = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy") || m.contains("Refused to")
                        || m.contains("Uncaught"))
                .toList();
        assertThat(problems).isEmpty();
    }

    /** Write a file for an {@code <input type=file>} and return its absolute path. */
    static String file(Path dir, String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content).toAbsolutePath().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException ignored) {
                // A leftover temp profile is harmless.
            }
        }
    }
}
