package dev.enrich.progress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EtaTextTest {

    @Test
    void etaTextIsShortAndFriendly() {
        assertThat(EtaText.describe(null)).isEqualTo("Estimating time...");
        assertThat(EtaText.describe(0L)).isEqualTo("Almost done");
        assertThat(EtaText.describe(9L)).isEqualTo("Almost done");
        assertThat(EtaText.describe(10L)).isEqualTo("~10 seconds remaining");
        assertThat(EtaText.describe(42L)).isEqualTo("~40 seconds remaining");
        assertThat(EtaText.describe(43L)).isEqualTo("~45 seconds remaining");
        assertThat(EtaText.describe(55L)).isEqualTo("~55 seconds remaining");
        assertThat(EtaText.describe(58L)).isEqualTo("~1 minute remaining");
        assertThat(EtaText.describe(60L)).isEqualTo("~1 minute remaining");
        assertThat(EtaText.describe(89L)).isEqualTo("~1 minute remaining");
        assertThat(EtaText.describe(90L)).isEqualTo("~2 minutes remaining");
        assertThat(EtaText.describe(180L)).isEqualTo("~3 minutes remaining");
        assertThat(EtaText.describe(3599L)).isEqualTo("~1 hour remaining");
        assertThat(EtaText.describe(3600L)).isEqualTo("~1 hour remaining");
        assertThat(EtaText.describe(7200L)).isEqualTo("~2 hours remaining");
    }
}
