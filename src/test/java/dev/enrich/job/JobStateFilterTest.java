package dev.enrich.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobStateFilterTest {

    @Test
    void noValueMeansEveryStateAndNamesAreReadInAnyCase() {
        assertThat(JobStateFilter.parse(List.of()).state()).isNull();
        assertThat(JobStateFilter.parse(List.of("failed")).deadLetters()).isTrue();
        assertThat(JobStateFilter.parse(List.of("Failed")).deadLetters()).isTrue();
        assertThat(JobStateFilter.parse(List.of("QUEUED")).state()).isEqualTo(JobState.QUEUED);
        assertThat(JobStateFilter.parse(List.of("failed", "FAILED")).deadLetters()).as("a repeat").isTrue();
    }

    @Test
    void controlCharactersSpacesAndUnknownNamesAreRefused() {
        for (String value : List.of("\u0001failed", "failed\u0000", " failed", "failed\t", "fai\u00adled", "",
                "sleepy", "failed,queued", "faıled")) {
            assertThatIllegalArgumentException().as(value).isThrownBy(() -> JobStateFilter.parse(List.of(value)))
                    .withMessageStartingWith("Unknown state '")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0001", "\u0000", "\t"));
        }
    }

    @Test
    void conflictingRepeatsAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> JobStateFilter.parse(List.of("queued", "failed")))
                .withMessage("Choose one state, not both queued and failed.");
        assertThatIllegalArgumentException().isThrownBy(() -> JobStateFilter.parse(List.of("failed", "\u0001failed")));
    }
}
