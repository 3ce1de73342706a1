package dev.enrich.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Lines are written by Logback's thread, in order, with the logging thread's MDC; Spring Boot's appenders stay. */
class AsyncLoggingTest {

    /** An appender that notes on which thread each line was written. */
    static final class Written extends AppenderBase<ILoggingEvent> {
        final Queue<String> lines = new ConcurrentLinkedQueue<>();

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getFormattedMessage() + " mdc=" + event.getMDCPropertyMap().get("jobId") + " on="
                    + Thread.currentThread().getName() + " from=" + event.getThreadName());
        }
    }

    @Test
    void theRootsAppendersWriteOnLogbacksThreadInOrderAndWrappingTwiceChangesNothing() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Written console = written(context, root, "CONSOLE");
        Written file = written(context, root, "FILE");

        AsyncLogging.wrap(context);
        AsyncLogging.wrap(context);

        List<String> names = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(a -> names.add(a.getName()));
        assertThat(names).containsExactlyInAnyOrder("ASYNC-CONSOLE", "ASYNC-FILE");
        String caller = Thread.currentThread().getName();
        MDC.put("jobId", "j1");
        try {
            for (int i = 0; i < 100; i++) {
                context.getLogger("dev.enrich.test").info("line {}", i);
            }
        } finally {
            MDC.remove("jobId");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(console.lines).hasSize(100);
            assertThat(file.lines).hasSize(100);
        });
        List<String> lines = List.copyOf(console.lines);
        assertThat(lines.get(0)).startsWith("line 0 mdc=j1 on=").endsWith(" from=" + caller)
                .doesNotContain("on=" + caller + " ");
        assertThat(lines.get(99)).startsWith("line 99 mdc=j1 ");
        context.stop();
    }

    private static Written written(LoggerContext context, Logger root, String name) {
        Written appender = new Written();
        appender.setContext(context);
        appender.setName(name);
        appender.start();
        root.addAppender(appender);
        return appender;
    }
}
