package dev.enrich.ai.fake;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Hold one request the fake server received, for contract assertions.
 *
 * @param method the HTTP method
 * @param path the path as sent, e.g. {@code /v1/chat/completions}
 * @param headers headers by lower-case name (first value)
 * @param fields multipart text fields in the order sent
 * @param files multipart file parts in the order sent
 * @param json the JSON body, when the request had one
 */
public record RecordedRequest(String method, String path, Map<String, String> headers,
        Map<String, List<String>> fields, List<Upload> files, @Nullable JsonNode json) {

    public RecordedRequest {
        headers = Map.copyOf(headers);
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        files = List.copyOf(files);
    }

    /** Return a header's first value, or null. */
    public @Nullable String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Hold one uploaded file part.
     *
     * @param name the form field name
     * @param filename the file name sent
     * @param contentType the part's content type
     * @param size bytes received
     * @param wavSeconds the duration of the file when it is a PCM WAV, else 0
     */
    public record Upload(String name, String filename, String contentType, long size, double wavSeconds) {}
}
