package dev.enrich.api;

import dev.enrich.testing.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

@ServiceTest
class AdminCostDisabledTest {

    @Autowired
    WebTestClient http;

    @Test
    void costReportIsAnUnknownPathUnlessAdminIsEnabled() {
        http.get().uri("/api/v1/admin/costs").exchange().expectStatus().isNotFound();
        http.get().uri("/api/v1/admin/costs?tenant=default").exchange().expectStatus().isNotFound();
    }
}
