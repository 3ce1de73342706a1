package dev.enrich.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.backend.memory.InMemoryRequestQuota;
import dev.enrich.tenant.Caller;
import dev.enrich.tenant.RequestQuota;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import reactor.core.publisher.Mono;

/**
 * The per-tenant request rate counted in a time the test moves by hand: exact counts per one-second period, however
 * fast or slow this machine runs. {@code LimitsTest} shows the same limit over HTTP.
 */
class TenantRateLimitFilterTest {

    private final AtomicLong nanos = new AtomicLong(Duration.ofHours(1).toNanos());
    private final TenantRateLimitFilter filter = new TenantRateLimitFilter(new InMemoryRequestQuota(20, nanos::get),
            new ProblemResponses(ServerCodecConfigurer.create()));
    private final AtomicInteger passed = new AtomicInteger();

    @Test
    void aTenantGetsItsRatePerPeriodAndIsRefusedWith429UntilTheNextPeriod() {
        assertThat(burst("acme", 60)).as("passed of 60 at one instant").isEqualTo(20);

        MockServerWebExchange refused = request("acme");
        assertThat(refused.getResponse().getStatusCode().value()).isEqualTo(429);
        assertThat(refused.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(refused.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(refused.getResponse().getBodyAsString().block())
                .contains("You're sending requests faster than we can take them.");

        nanos.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(burst("acme", 5)).as("passed 999 ms later").isZero();
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(burst("acme", 60)).as("passed in the next period").isEqualTo(20);
    }

    @Test
    void anotherTenantHasABucketOfItsOwn() {
        assertThat(burst("acme", 60)).isEqualTo(20);
        assertThat(burst("other", 60)).isEqualTo(20);
    }

    @Test
    void aQuotasSubSecondRetryHintIsAnsweredAsOneSecond() {
        // The Redis quota hints at what is left of its window; the answer is the same as the memory quota's.
        TenantRateLimitFilter shared = new TenantRateLimitFilter(
                tenant -> Mono.just(RequestQuota.Decision.refuse(Duration.ofMillis(250))),
                new ProblemResponses(ServerCodecConfigurer.create()));
        MockServerWebExchange refused = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/jobs"));
        shared.filter(refused, e -> Mono.fromRunnable(passed::incrementAndGet))
                .contextWrite(ReactiveSecurityContextHolder.withAuthentication(
                        new EnrichAuthentication(new Caller("acme", "key", false))))
                .block();

        assertThat(passed).hasValue(0);
        assertThat(refused.getResponse().getStatusCode().value()).isEqualTo(429);
        assertThat(refused.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    }

    @Test
    void pathsOutsideTheApiAreNotCounted() {
        for (int i = 0; i < 60; i++) {
            filter.filter(MockServerWebExchange.from(MockServerHttpRequest.get("/index.html")),
                            exchange -> Mono.fromRunnable(passed::incrementAndGet))
                    .contextWrite(ReactiveSecurityContextHolder.withAuthentication(
                            new EnrichAuthentication(new Caller("acme", "key", false))))
                    .block();
        }
        assertThat(passed).hasValue(60);
    }

    private int burst(String tenant, int requests) {
        int before = passed.get();
        for (int i = 0; i < requests; i++) {
            request(tenant);
        }
        return passed.get() - before;
    }

    private MockServerWebExchange request(String tenant) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/jobs"));
        filter.filter(exchange, e -> Mono.fromRunnable(passed::incrementAndGet))
                .contextWrite(ReactiveSecurityContextHolder.withAuthentication(
                        new EnrichAuthentication(new Caller(tenant, "key", false))))
                .block();
        return exchange;
    }
}
