package dev.enrich.stage.canvas;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.pipeline.CanvasPages;
import dev.enrich.pipeline.NamedStage;
import dev.enrich.pipeline.StageName;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Wire the canvas stage (with its AI narrative when configured) and the page that shows its result. */
@Configuration(proxyBeanMethods = false)
class CanvasStageConfiguration {

    @Bean
    NamedStage canvasStage(AiProvider ai, AiCache aiCache, JsonMapper json) {
        return new NamedStage(StageName.CANVAS, new AiCanvasStage(new CanvasStage(), ai, aiCache, json));
    }

    /** The template is compiled once, here; rendering a small document is CPU-only. */
    @Bean
    CanvasPages canvasPages() {
        return new CanvasRenderer();
    }
}
