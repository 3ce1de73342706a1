package dev.enrich.testing;

import dev.enrich.pipeline.StageRegistry;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Replace the built-in stages with {@link ScriptedStages} in a Spring test context. */
@TestConfiguration(proxyBeanMethods = false)
public class TestStagesConfiguration {

    @Bean
    ScriptedStages scriptedStages() {
        return new ScriptedStages();
    }

    @Bean
    @Primary
    StageRegistry scriptedStageRegistry(ScriptedStages stages) {
        return stages.registry();
    }
}
