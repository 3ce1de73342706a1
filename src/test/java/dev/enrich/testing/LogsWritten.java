package dev.enrich.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;

/** Wait until every line logged so far is in the captured output: lines are written on Logback's own thread. */
public final class LogsWritten {

    private static final Logger log = LoggerFactory.getLogger(LogsWritten.class);

    private LogsWritten() {}

    /** Log a marker and wait for it: the writer keeps the order, so every earlier line is out before it. */
    public static CapturedOutput in(CapturedOutput output) {
        String marker = "logs-written-" + UUID.randomUUID();
        log.info(marker);
        await("logged lines written").atMost(Duration.ofSeconds(10)).until(() -> output.getAll().contains(marker));
        return output;
    }
}
