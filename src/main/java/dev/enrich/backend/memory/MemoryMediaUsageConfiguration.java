package dev.enrich.backend.memory;

import dev.enrich.session.MediaUsage;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Count media bytes per tenant in memory for {@code enrich.backend=memory} (the default). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "memory", matchIfMissing = true)
class MemoryMediaUsageConfiguration {

    @Bean
    MediaUsage mediaUsage() {
        return new InMemoryMediaUsage();
    }
}
