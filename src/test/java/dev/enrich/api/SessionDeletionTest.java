package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.events.EventLog;
import dev.enrich.events.EventPublisher;
import dev.enrich.testing.ServiceTest;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** Deleting sessions and tenants on the memory backend: the event log keeps no stream of what went. */
@ServiceTest
@TestPropertySource(properties = {"enrich.security.api-keys[0].sha256=" + JobRetryTest.GLOBEX_SHA,
        "enrich.security.api-keys[0].tenant=globex", "enrich.security.api-keys[0].roles=USER"})
class SessionDeletionTest extends DeletionScenarios {

    @Autowired
    EventLog events;

    @Override
    void assertStoreHoldsNothingNaming(String tenant, List<String> ids) {
        for (String id : ids) {
            assertThat(events.lastSeq(EventPublisher.jobStream(id)).block(Duration.ofSeconds(5))).as(id).isZero();
            assertThat(events.lastSeq(EventPublisher.batchStream(id)).block(Duration.ofSeconds(5))).as(id).isZero();
        }
    }

    @Override
    void assertStoreHoldsNothingOfTenant(String tenant) {
        assertThat(events.lastSeq(EventPublisher.userStream(tenant)).block(Duration.ofSeconds(5))).isZero();
    }
}
