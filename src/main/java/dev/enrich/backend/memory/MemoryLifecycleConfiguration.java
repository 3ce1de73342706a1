package dev.enrich.backend.memory;

import dev.enrich.retention.ExpiryIndex;
import dev.enrich.session.MediaUsage;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wire what bounds stored data in memory for {@code enrich.backend=memory} (the default): media bytes per tenant and
 * the retention's expiry index.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "memory", matchIfMissing = true)
class MemoryLifecycleConfiguration {

    @Bean
    MediaUsage mediaUsage() {
        return new InMemoryMediaUsage();
    }

    @Bean
    ExpiryIndex expiryIndex() {
        return new InMemoryExpiryIndex();
    }
}
