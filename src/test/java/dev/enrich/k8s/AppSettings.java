package dev.enrich.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The service's settings as a pod would see them: {@code src/main/resources/application.yml}, the profile files the
 * pod's {@code SPRING_PROFILES_ACTIVE} names, and the container's environment on top (its ConfigMaps and literal
 * values; a value from a Secret stands as a placeholder). Bound with Spring Boot's own binder and its environment
 * variable rules, so {@code ENRICH_MEDIA_S3_PATH_STYLE} reaches {@code enrich.media.s3.path-style} only if Spring
 * would map it there.
 */
final class AppSettings {

    private static final Path RESOURCES = Path.of("src/main/resources");
    static final String FROM_SECRET = "value-from-a-secret";

    private final Binder binder;
    private final Map<String, String> environment;

    private AppSettings(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        StandardEnvironment spring = new StandardEnvironment();
        MutablePropertySources sources = spring.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        sources.addLast(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.copyOf(environment)));
        for (String profile : environment.getOrDefault("SPRING_PROFILES_ACTIVE", "").split(",")) {
            if (!profile.isBlank()) {
                load(sources, "application-" + profile.trim() + ".yml");
            }
        }
        load(sources, "application.yml");
        ConfigurationPropertySources.attach(spring);
        this.binder = Binder.get(spring);
    }

    /** Return the settings of the application alone, with no environment. */
    static AppSettings defaults() {
        return new AppSettings(Map.of());
    }

    /** Return the settings the service's container in {@code manifests} starts with. */
    static AppSettings of(Manifests manifests) {
        Container container = manifests.serverContainer();
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                environment.putAll(manifests.one(ConfigMap.class, from.getConfigMapRef().getName()).getData());
            }
        }
        for (EnvVar variable : container.getEnv()) {
            environment.put(variable.getName(), variable.getValue() != null ? variable.getValue() : FROM_SECRET);
        }
        return new AppSettings(environment);
    }

    /** Return the container's environment variables. */
    Map<String, String> environment() {
        return environment;
    }

    /** Bind {@code property}; fail if it is not set. */
    <T> T get(String property, Class<T> type) {
        return find(property, type).orElseThrow(() -> new AssertionError(property + " is not set"));
    }

    /** Bind {@code property}, if set. */
    <T> Optional<T> find(String property, Class<T> type) {
        return binder.bind(property, type).map(Optional::of).orElseGet(Optional::empty);
    }

    private static void load(MutablePropertySources sources, String file) {
        Path path = RESOURCES.resolve(file);
        if (!Files.exists(path)) {
            return;
        }
        try {
            new YamlPropertySourceLoader().load(file, new FileSystemResource(path)).forEach(sources::addLast);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
