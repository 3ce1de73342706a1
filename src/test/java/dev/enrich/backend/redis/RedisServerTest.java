package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.RedisServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.test.StepVerifier;

/** The test harness itself: a real redis-server that can crash, restart on its AOF, and hang. */
class RedisServerTest {

    @TempDir
    Path dir;

    @Test
    void anAcknowledgedWriteSurvivesACrashWithAppendOnlyOn() {
        try (RedisServer redis = RedisServer.start(dir, true)) {
            assertThat(redis.command("SET job:1 queued")).isEqualTo("+OK");
            redis.kill();
            redis.restart();
            assertThat(redis.command("GET job:1")).isEqualTo("$6");
        }
    }

    @Test
    void theApplicationsClientTalksToIt() {
        try (RedisServer redis = RedisServer.start(dir, false)) {
            LettuceConnectionFactory factory = redis.connect();
            try {
                ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(factory);
                StepVerifier.create(template.opsForValue().set("k", "v").then(template.opsForValue().get("k")))
                        .expectNext("v").verifyComplete();
            } finally {
                factory.destroy();
            }
        }
    }

    @Test
    void aPausedServerAnswersNothingUntilResumed() {
        try (RedisServer redis = RedisServer.start(dir, false)) {
            redis.pause();
            assertThat(redis.command("PING")).startsWith("-");
            redis.resume();
            assertThat(redis.command("PING")).isEqualTo("+PONG");
        }
    }
}
