package dev.enrich.backend.redis;

import dev.enrich.testing.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** One real redis-server (AOF on) per test class, emptied before each test; register it as a static field. */
final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private Path dir;
    private RedisServer server;
    private LettuceConnectionFactory factory;
    private ReactiveStringRedisTemplate template;
    private LettuceConnectionFactory otherFactory;
    private ReactiveStringRedisTemplate otherTemplate;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("enrich-redis");
        server = RedisServer.start(dir, true);
        factory = server.connect();
        template = connected(factory);
        otherFactory = server.connect();
        otherTemplate = connected(otherFactory);
    }

    // Spring's shared Lettuce connection opens, blocking, on first use: open it here, not on a parallel thread.
    private static ReactiveStringRedisTemplate connected(LettuceConnectionFactory factory) {
        ReactiveStringRedisTemplate t = new ReactiveStringRedisTemplate(factory);
        t.hasKey("enrich:warm-up").block(Duration.ofSeconds(10));
        return t;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.command("FLUSHALL");
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (factory != null) {
            factory.destroy();
        }
        if (otherFactory != null) {
            otherFactory.destroy();
        }
        if (server != null) {
            server.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    RedisServer server() {
        return server;
    }

    ReactiveStringRedisTemplate template() {
        return template;
    }

    /** Return a template on a connection of its own, as a second replica would hold. */
    ReactiveStringRedisTemplate otherTemplate() {
        return otherTemplate;
    }
}
