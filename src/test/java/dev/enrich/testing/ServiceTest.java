package dev.enrich.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;

/**
 * Start the whole service on a random port with scripted stages and a WebTestClient bound to it. Tests reset
 * {@link ScriptedStages} in {@code @BeforeEach}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"enrich.events.heartbeat=15s", "enrich.pool.concurrency=4",
                "enrich.media.dir=${java.io.tmpdir}/enrich-test-media"})
@AutoConfigureWebTestClient
@Import(TestStagesConfiguration.class)
public @interface ServiceTest {}
