package dev.enrich.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Hold the JSON request bodies of the API. */
final class Requests {

    private Requests() {}

    /**
     * Ask for an enrichment.
     *
     * @param stages stage names; all when absent
     * @param priority {@code interactive} (default) or {@code batch}
     */
    record EnrichmentRequest(@Nullable List<String> stages, @Nullable String priority) {}

    /**
     * Ask for a batch of enrichments.
     *
     * @param sessionIds sessions to enrich, at least one
     * @param stages stage names; all when absent
     */
    record BatchRequest(@Nullable List<String> sessionIds, @Nullable List<String> stages) {}
}
