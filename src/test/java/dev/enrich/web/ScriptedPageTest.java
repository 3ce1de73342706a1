package dev.enrich.web;

import dev.enrich.events.EventPublisher;
import dev.enrich.job.JobRepository;
import dev.enrich.testing.Fixtures;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Sinks;

/**
 * The set-up the browser tests against scripted stages share: the service with scripted stages and
 * {@link StreamSwitch}, one headless Chromium per test class signed in before each test (its console checked after
 * each), a one-second WAV to upload, and a gate each test may open ({@link ScriptedStages#untilGate}).
 */
@ServiceTest
@Import(WebTestConfiguration.class)
@TestPropertySource(properties = {Browser.KEY_PROPERTIES_0, Browser.KEY_PROPERTIES_1, Browser.KEY_PROPERTIES_2})
abstract class ScriptedPageTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static String wav;
    static Browser browser;

    @LocalServerPort
    int port;
    @Autowired
    ScriptedStages stages;
    @Autowired
    StreamSwitch streams;
    @Autowired
    JobRepository jobs;
    @Autowired
    EventPublisher events;
    @Autowired
    Clock clock;

    final Sinks.Empty<Void> gate = Sinks.empty();

    @BeforeAll
    static void media() {
        wav = Browser.file(dir, "standup.wav", Fixtures.wav(1, 8000));
    }

    @BeforeEach
    void signIn() {
        stages.reset();
        streams.accept();
        if (browser == null) {
            browser = Browser.start(port);
        }
        browser.resize(1280, 900);
        browser.signIn();
    }

    @AfterEach
    void cleanUp() {
        gate.tryEmitEmpty();
        streams.accept();
        if (browser != null) {
            browser.assertCleanConsole();
        }
    }

    @AfterAll
    static void quit() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }
}
