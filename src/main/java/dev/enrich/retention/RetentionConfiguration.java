package dev.enrich.retention;

import dev.enrich.config.RetentionProperties;
import dev.enrich.engine.SessionDeletion;
import dev.enrich.job.JobRepository;
import dev.enrich.session.MediaStore;
import dev.enrich.session.MediaUsage;
import dev.enrich.session.SessionRepository;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wire the retention sweep on whichever backend holds the expiry index. */
@Configuration(proxyBeanMethods = false)
class RetentionConfiguration {

    @Bean
    RetentionSweeper retentionSweeper(ExpiryIndex index, SessionRepository sessions, JobRepository jobs,
            MediaStore media, MediaUsage usage, SessionDeletion deletion, RetentionProperties settings, Clock clock) {
        return new RetentionSweeper(index, sessions, jobs, media, usage, deletion::delete, settings, clock);
    }
}
