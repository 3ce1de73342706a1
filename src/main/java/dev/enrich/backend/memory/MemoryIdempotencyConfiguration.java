package dev.enrich.backend.memory;

import dev.enrich.config.IdempotencyProperties;
import dev.enrich.idempotency.IdempotencyStore;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Remember Idempotency-Keys in this process, for {@code enrich.backend=memory} (the default). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "memory", matchIfMissing = true)
class MemoryIdempotencyConfiguration {

    @Bean
    IdempotencyStore idempotencyStore(IdempotencyProperties settings, Clock clock) {
        return new InMemoryIdempotencyStore(settings.maxKeys(), clock);
    }
}
