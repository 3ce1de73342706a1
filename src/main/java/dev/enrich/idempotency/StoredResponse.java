package dev.enrich.idempotency;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hold the first response to a submission, to answer its retries with.
 *
 * @param fingerprint digest of the request it answered: a retry must carry the same
 * @param status HTTP status
 * @param headers the response's own headers (such as {@code Location}), in order
 * @param body the JSON body as sent
 */
public record StoredResponse(String fingerprint, int status, Map<String, List<String>> headers, String body) {

    public StoredResponse {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
    }
}
