package dev.enrich.stage.audio;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.config.AiProperties;
import dev.enrich.config.EnrichProperties;
import dev.enrich.pipeline.NamedStage;
import dev.enrich.pipeline.StageName;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wire the audio stage: local analysis from {@code enrich.audio.*}, improved by AI transcription when configured. */
@Configuration(proxyBeanMethods = false)
class AudioStageConfiguration {

    @Bean
    NamedStage audioStage(EnrichProperties props, AiProvider ai, AiCache aiCache, AiProperties aiProps) {
        AudioSettings audio = AudioSettings.defaults()
                .withMinSpeechMs((int) props.audio().minSpeech().toMillis())
                .withMinSilenceMs((int) props.audio().minSilence().toMillis());
        return new NamedStage(StageName.AUDIO, new AiTranscriptionStage(new AudioStage(audio), ai, aiCache, aiProps));
    }
}
