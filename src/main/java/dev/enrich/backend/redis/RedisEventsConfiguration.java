package dev.enrich.backend.redis;

import dev.enrich.config.EnrichProperties;
import dev.enrich.events.EventLog;
import dev.enrich.events.JobMoves;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** Wire the Redis event log as the {@link EventLog} when {@code enrich.backend=redis}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "redis")
@EnableConfigurationProperties(RedisEventsProperties.class)
class RedisEventsConfiguration {

    // Delivery to this replica's SSE subscribers: non-blocking work off the notification thread, one per core.
    @Bean(destroyMethod = "dispose")
    Scheduler eventFanout() {
        return Schedulers.newParallel("enrich-events", Runtime.getRuntime().availableProcessors(), true);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    RedisEventLog eventLog(LettuceConnectionFactory factory, JsonMapper json, RedisEventsProperties settings,
            EnrichProperties props, Scheduler eventFanout) {
        return new RedisEventLog(factory, json, settings, eventFanout, props.events().deliveryInterval());
    }

    /** A job's moves and their events, one script each (the job repository, this log and the queue share one Redis). */
    @Bean
    JobMoves jobMoves(ReactiveStringRedisTemplate redis, RedisJobRepository jobs, RedisEventLog eventLog,
            RedisJobQueue queue) {
        return new RedisJobMoves(redis, jobs, eventLog, queue);
    }
}
