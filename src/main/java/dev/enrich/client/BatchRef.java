package dev.enrich.client;

import java.util.List;

/**
 * Refer to a batch the service accepted ({@code POST /api/v1/batches}).
 *
 * @param id the batch id, for {@link EnrichClient#batchEvents} and {@link EnrichClient#batchStatus}
 * @param jobIds one job per session, in the order the sessions were given
 */
public record BatchRef(String id, List<String> jobIds) {

    public BatchRef {
        jobIds = List.copyOf(jobIds);
    }
}
