package dev.enrich.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.tenant.RequestQuota;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** A tenant's request quota on Redis holds for the fleet, against a real redis-server with two replicas' connections. */
class RedisRequestQuotaTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final RequestQuota replicaA = new RedisRequestQuota(REDIS.template(), 20);
    private final RequestQuota replicaB = new RedisRequestQuota(REDIS.otherTemplate(), 20);

    @Test
    void twoReplicasTogetherAdmitOneBurstPerWindow() {
        assertThat(admitted("acme", 120)).as("admitted of 120 concurrent requests on two replicas").isEqualTo(20);
    }

    @Test
    void aRefusalAsksToRetryWhenTheWindowEnds() {
        admitted("acme", 20);

        RequestQuota.Decision refused = replicaB.tryAcquire("acme").block(WAIT);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(RedisRequestQuota.PERIOD);
        assertThat(REDIS.template().getExpire(RedisRequestQuota.key("acme")).block(WAIT))
                .as("the window's counter expires").isPositive().isLessThanOrEqualTo(RedisRequestQuota.PERIOD);
    }

    @Test
    void anotherTenantHasAWindowOfItsOwn() {
        assertThat(admitted("acme", 60)).isEqualTo(20);
        assertThat(admitted("other", 60)).isEqualTo(20);
    }

    @Test
    void theNextWindowAdmitsAgain() {
        admitted("acme", 60);

        // The window ends when its counter expires in Redis: no clock of ours to move.
        Awaitility.await("a request admitted in a later window").atMost(WAIT)
                .until(() -> replicaA.tryAcquire("acme").block(WAIT).allowed());
    }

    private long admitted(String tenant, int requests) {
        return Flux.range(0, requests)
                .flatMap(i -> (i % 2 == 0 ? replicaA : replicaB).tryAcquire(tenant).subscribeOn(Schedulers.parallel()))
                .filter(RequestQuota.Decision::allowed)
                .count()
                .block(WAIT);
    }
}
