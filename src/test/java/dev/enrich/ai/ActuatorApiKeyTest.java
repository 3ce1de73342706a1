package dev.enrich.ai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Keep the API key out of actuator's env and configprops, even when they are exposed and show values. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "enrich.ai.base-url=http://127.0.0.1:9/v1",
        "enrich.ai.api-key=sk-actuator-secret-31337",
        "enrich.media.dir=${java.io.tmpdir}/enrich-test-media",
        "management.endpoints.web.exposure.include=configprops,env,health",
        "management.endpoint.configprops.show-values=always",
        "management.endpoint.env.show-values=always"})
@AutoConfigureWebTestClient
class ActuatorApiKeyTest {

    static final String KEY = "sk-actuator-secret-31337";

    @Autowired
    WebTestClient client;

    @Autowired
    AiProvider provider;

    @Test
    void configpropsShowsTheBaseUrlButMasksTheKey() {
        String body = get("/actuator/configprops/enrich.ai");

        assertThat(body).contains("http://127.0.0.1:9/v1").contains("apiKey").doesNotContain(KEY);
        assertThat(provider.enabled()).isTrue();
    }

    @Test
    void envMasksTheKey() {
        assertThat(get("/actuator/env")).contains("enrich.ai.api-key").doesNotContain(KEY);
        assertThat(get("/actuator/env/enrich.ai.api-key")).doesNotContain(KEY);
    }

    private String get(String path) {
        return client.get().uri(path).exchange().expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody();
    }
}
