package dev.enrich.backend.memory;

import dev.enrich.config.EnrichProperties;
import dev.enrich.config.LimitsProperties;
import dev.enrich.config.SecurityProperties;
import dev.enrich.events.EventLog;
import dev.enrich.job.BatchRepository;
import dev.enrich.job.JobRepository;
import dev.enrich.queue.JobQueue;
import dev.enrich.security.TicketStore;
import dev.enrich.session.SessionRepository;
import dev.enrich.tenant.RequestQuota;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Wire the embedded in-memory adapters: the default, {@code enrich.backend=memory}. Defaults (lowest precedence) come
 * from {@code memory-backend.properties} next to this class: the readiness group.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.backend", havingValue = "memory", matchIfMissing = true)
@PropertySource("classpath:dev/enrich/backend/memory/memory-backend.properties")
class MemoryBackendConfiguration {

    @Bean
    SessionRepository sessionRepository(EnrichProperties props, LimitsProperties limits) {
        return new InMemorySessionRepository(props.memory().maxSessions(), limits.maxSessionsPerTenant());
    }

    @Bean
    JobRepository jobRepository(EnrichProperties props, LimitsProperties limits) {
        return new InMemoryJobRepository(props.memory().maxJobs(), limits.maxJobsPerTenant());
    }

    @Bean
    BatchRepository batchRepository() {
        return new InMemoryBatchRepository();
    }

    @Bean
    JobQueue jobQueue(EnrichProperties props) {
        return new InMemoryJobQueue(props.pool().queueCapacity(), props.pool().interactiveBurst());
    }

    // Delivery to SSE subscribers: non-blocking work off the publishers' threads, one thread per core.
    @Bean(destroyMethod = "dispose")
    Scheduler eventFanout() {
        return Schedulers.newParallel("enrich-events", Runtime.getRuntime().availableProcessors(), true);
    }

    @Bean
    EventLog eventLog(EnrichProperties props, Scheduler eventFanout) {
        EnrichProperties.Events e = props.events();
        return new InMemoryEventLog(e.retainPerStream(), e.maxStreams(), eventFanout, e.deliveryInterval());
    }

    @Bean
    RequestQuota requestQuota(LimitsProperties limits) {
        return new InMemoryRequestQuota(limits.requestsPerSecond());
    }

    @Bean
    TicketStore ticketStore(SecurityProperties security, Clock clock) {
        return new InMemoryTicketStore(security.tickets(), clock);
    }
}
