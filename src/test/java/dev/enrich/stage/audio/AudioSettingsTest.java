package dev.enrich.stage.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class AudioSettingsTest {

    @Test
    void defaultsAreSensible() {
        AudioSettings s = AudioSettings.defaults();

        assertThat(s.frameMs()).isEqualTo(20);
        assertThat(s.minSpeechMs()).isEqualTo(150);
        assertThat(s.minSilenceMs()).isEqualTo(300);
        assertThat(s.stopThresholdDb()).isLessThan(s.startThresholdDb());
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheValue() {
        AudioSettings d = AudioSettings.defaults();

        assertThatIllegalArgumentException().isThrownBy(() -> d.withMinSpeechMs(-1))
                .withMessage("minSpeechMs must be > 0, but was -1");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withMinSilenceMs(0))
                .withMessage("minSilenceMs must be > 0, but was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> new AudioSettings(2, 150, 300, 12, 6, -55, 1))
                .withMessage("frameMs must be in 5..100, but was 2");
        assertThatIllegalArgumentException().isThrownBy(() -> new AudioSettings(20, 150, 300, 6, 12, -55, 1))
                .withMessage("stopThresholdDb must be > 0 and <= startThresholdDb (6.0), but was 12.0");
        assertThatIllegalArgumentException().isThrownBy(() -> new AudioSettings(20, 150, 300, 12, 6, 3, 1))
                .withMessage("minSpeechDbfs must be in -120..0, but was 3.0");
        assertThatIllegalArgumentException().isThrownBy(() -> new AudioSettings(20, 150, 300, 12, 6, -55, 0))
                .withMessage("noiseFloorRiseDbPerSecond must be > 0, but was 0.0");
    }
}
