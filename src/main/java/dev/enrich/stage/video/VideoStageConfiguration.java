package dev.enrich.stage.video;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.config.AiProperties;
import dev.enrich.config.EnrichProperties;
import dev.enrich.pipeline.NamedStage;
import dev.enrich.pipeline.StageName;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Wire the video stage: local analysis from {@code enrich.video.*}, improved by AI captions when configured. */
@Configuration(proxyBeanMethods = false)
class VideoStageConfiguration {

    @Bean
    NamedStage videoStage(EnrichProperties props, AiProvider ai, AiCache aiCache, AiProperties aiProps,
            JsonMapper json) {
        VideoSettings video = VideoSettings.defaults()
                .withSampleFps(props.video().sampleFps())
                .withMinChapterSeconds(props.video().minChapter().toMillis() / 1000.0);
        return new NamedStage(StageName.VIDEO, new AiCaptionStage(new VideoStage(video), ai, aiCache, aiProps, json));
    }
}
