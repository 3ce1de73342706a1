package dev.enrich.stage.summary;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.pipeline.NamedStage;
import dev.enrich.pipeline.StageName;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Wire the summary stage: the local extractive summary, improved by the AI provider when configured. */
@Configuration(proxyBeanMethods = false)
class SummaryStageConfiguration {

    @Bean
    NamedStage summaryStage(AiProvider ai, AiCache aiCache, JsonMapper json) {
        return new NamedStage(StageName.SUMMARY, new AiSummaryStage(new SummaryStage(), ai, aiCache, json));
    }
}
