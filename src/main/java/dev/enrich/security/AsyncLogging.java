package dev.enrich.security;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;

/**
 * Write log lines (the access log's, the engine's) on Logback's own thread instead of the thread that logs: an event
 * loop or a worker only queues the line, and the pattern (with its credential redaction) and the console write run
 * elsewhere. Done by wrapping each appender Spring Boot configured (console, file, structured or not) in an
 * {@link AsyncAppender}, so its logging settings keep working unchanged. Lines are never dropped for their level;
 * when 8,192 lines wait, later ones are dropped rather than blocking the logging thread. Logback's shutdown (Spring
 * Boot's hook) writes what is queued, for up to 10 s. {@code enrich.logging.async=false} writes on the logging thread
 * again.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.logging.async", havingValue = "true", matchIfMissing = true)
class AsyncLogging {

    /** An appender wrapping one of Spring Boot's is named this, then the wrapped one's name. */
    static final String PREFIX = "ASYNC-";
    static final int QUEUE_SIZE = 8192;
    static final int FLUSH_MILLIS = 10_000;

    AsyncLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            wrap(context);
        }
    }

    /**
     * Move each of the root logger's appenders behind an asynchronous appender of its own (Logback's takes only one):
     * a console and a file appender get a writer thread each. Nothing to do when done already.
     */
    static void wrap(LoggerContext context) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(appenders::add);
        for (Appender<ILoggingEvent> appender : appenders) {
            if (appender instanceof AsyncAppender) {
                continue;
            }
            AsyncAppender async = new AsyncAppender();
            async.setContext(context);
            async.setName(PREFIX + appender.getName());
            async.setQueueSize(QUEUE_SIZE);
            async.setDiscardingThreshold(0);
            async.setNeverBlock(true);
            // At shutdown, what is queued is written for up to this long (Logback's default is 1 s).
            async.setMaxFlushTime(FLUSH_MILLIS);
            async.addAppender(appender);
            async.start();
            // Added before the other goes: a line logged meanwhile is written twice rather than lost.
            root.addAppender(async);
            root.detachAppender(appender);
        }
    }
}
