package dev.enrich.engine;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;

/**
 * Keep only the MDC ({@link JobLogContext}) among the ThreadLocals that Reactor's automatic context propagation
 * restores around operators and thread hops. The libraries on the class path also register Micrometer's current
 * observation and Spring Security's contexts (reactive and servlet) and web exchange; nothing here reads them from a
 * ThreadLocal (security is read from the Reactor context, no tracing runs), yet each one was saved and restored at
 * every hop of every request and job: about a tenth of the CPU of a GET and most of the allocation of a job.
 */
@Configuration(proxyBeanMethods = false)
class ContextPropagationConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ContextPropagationConfiguration.class);

    ContextPropagationConfiguration() {
        List<String> removed = keepOnlyJobLogContext(ContextRegistry.getInstance());
        if (!removed.isEmpty()) {
            log.debug("context propagation restores the MDC only; not restored: {}", removed);
        }
    }

    /** Remove every ThreadLocal accessor but {@link JobLogContext}'s from {@code registry}; return what went. */
    static List<String> keepOnlyJobLogContext(ContextRegistry registry) {
        return registry.getThreadLocalAccessors().stream()
                .filter(accessor -> !(accessor instanceof JobLogContext))
                .map(ThreadLocalAccessor::key)
                .filter(key -> registry.removeThreadLocalAccessor(key))
                .map(String::valueOf)
                .toList();
    }
}
