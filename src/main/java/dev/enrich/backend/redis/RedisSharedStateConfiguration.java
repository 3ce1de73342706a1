package dev.enrich.backend.redis;

import dev.enrich.config.LimitsProperties;
import dev.enrich.config.SecurityProperties;
import dev.enrich.progress.DurationModel;
import dev.enrich.security.TicketStore;
import dev.enrich.tenant.RequestQuota;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.scheduler.Schedulers;

/**
 * Share across the fleet what one process used to hold alone, for {@code enrich.backend=redis}: per-tenant request
 * quotas, stream tickets (single use on any replica) and learned stage durations (the ETA's history).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "redis")
class RedisSharedStateConfiguration {

    /** How often a replica reads the durations the fleet learned (its own observations come back at once). */
    static final Duration DURATIONS_REFRESH = Duration.ofSeconds(5);

    @Bean
    RequestQuota requestQuota(ReactiveStringRedisTemplate redis, LimitsProperties limits) {
        return new RedisRequestQuota(redis, limits.requestsPerSecond());
    }

    @Bean
    TicketStore ticketStore(ReactiveStringRedisTemplate redis, SecurityProperties security, Clock clock) {
        return new RedisTicketStore(redis, security.tickets(), clock);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    RedisDurationSync durationSync(ReactiveStringRedisTemplate redis, DurationModel durations) {
        return new RedisDurationSync(redis, durations, DURATIONS_REFRESH, Schedulers.parallel());
    }

    /** Stop sharing durations while the connection factory still runs. */
    @Bean
    StopBeforeRedis durationSyncStop(RedisDurationSync sync) {
        return new StopBeforeRedis(sync::stop);
    }
}
