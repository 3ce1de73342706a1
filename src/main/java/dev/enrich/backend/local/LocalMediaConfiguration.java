package dev.enrich.backend.local;

import dev.enrich.config.EnrichProperties;
import dev.enrich.session.MediaStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wire the media store in a local directory, whatever the backend (with several replicas: a shared volume). */
@Configuration(proxyBeanMethods = false)
class LocalMediaConfiguration {

    @Bean
    MediaStore mediaStore(EnrichProperties props) {
        return new LocalDirectoryMediaStore(props.media().dir());
    }
}
