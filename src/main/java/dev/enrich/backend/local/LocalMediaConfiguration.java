package dev.enrich.backend.local;

import dev.enrich.config.EnrichProperties;
import dev.enrich.session.MediaStore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wire the media store in a local directory, whatever the backend (with several replicas: a shared volume):
 * {@code enrich.media.store=local}, the default.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.media.store", havingValue = "local", matchIfMissing = true)
class LocalMediaConfiguration {

    @Bean
    MediaStore mediaStore(EnrichProperties props) {
        return new LocalDirectoryMediaStore(props.media().dir());
    }
}
