package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.config.SecurityProperties;
import dev.enrich.security.StreamTicketsContract;
import dev.enrich.security.TicketStore;
import dev.enrich.tenant.Caller;
import dev.enrich.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stream tickets on Redis keep the contract across two replicas' connections, against a real redis-server: issued on
 * one, redeemed once on the other, never twice anywhere.
 */
class RedisTicketStoreTest extends StreamTicketsContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected TicketStore store(SecurityProperties.Tickets settings, MutableClock clock) {
        return new RedisTicketStore(REDIS.template(), settings, clock);
    }

    @Override
    protected TicketStore otherReplica(TicketStore first, SecurityProperties.Tickets settings, MutableClock clock) {
        return new RedisTicketStore(REDIS.otherTemplate(), settings, clock);
    }

    @Test
    void aGrantIsKeptUnderItsDigestWithTheTicketsTimeToLiveAndForgottenWhenTaken() {
        TicketStore store = store(new SecurityProperties.Tickets(Duration.ofSeconds(30), 10), clock);
        TicketStore.Grant grant = new TicketStore.Grant(new Caller("acme", "alice", true), "/api/v1/events",
                clock.instant().plusSeconds(30));

        assertThat(store.put("digest", grant).block(WAIT)).isTrue();
        assertThat(REDIS.template().getExpire("enrich:{tickets}:digest").block(WAIT))
                .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(REDIS.template().opsForZSet().size("enrich:{tickets}:live").block(WAIT)).isEqualTo(1);

        assertThat(store.take("digest").block(WAIT)).isEqualTo(grant);
        assertThat(REDIS.template().hasKey("enrich:{tickets}:digest").block(WAIT)).isFalse();
        assertThat(REDIS.template().opsForZSet().size("enrich:{tickets}:live").block(WAIT)).isZero();
    }
}
