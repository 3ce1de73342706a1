package dev.enrich.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Hold the JSON request bodies of the API. Their constraints are checked by Bean Validation ({@code @Valid} on the
 * controller parameter); a violation answers 400 problem+json with the constraint's message as {@code detail}.
 */
final class Requests {

    private static final String NO_STAGE = "Choose at least one stage: audio, video, summary or canvas.";
    private static final String NULL_STAGE = "Stage names must not be null.";

    private Requests() {}

    /**
     * Ask for an enrichment.
     *
     * @param stages stage names; all when absent
     * @param priority {@code interactive} (default) or {@code batch}
     */
    record EnrichmentRequest(
            @Nullable @Size(min = 1, message = NO_STAGE) List<@NotNull(message = NULL_STAGE) String> stages,
            @Nullable String priority) {}

    /**
     * Ask for a batch of enrichments.
     *
     * @param sessionIds sessions to enrich, at least one
     * @param stages stage names; all when absent
     */
    record BatchRequest(
            @Nullable @NotEmpty(message = "Add at least one session id to the batch.")
            List<@NotBlank(message = "Session ids must not be blank.") String> sessionIds,
            @Nullable @Size(min = 1, message = NO_STAGE) List<@NotNull(message = NULL_STAGE) String> stages) {}
}
