package dev.enrich.api;

import dev.enrich.testing.ServiceTest;
import org.springframework.test.context.TestPropertySource;

/** Automatic job retries on the memory backend. */
@ServiceTest
@TestPropertySource(properties = {"enrich.jobs.max-attempts=3", "enrich.jobs.first-backoff=20ms",
        "enrich.jobs.max-backoff=50ms"})
class AutoRetryTest extends AutoRetryScenarios {}
