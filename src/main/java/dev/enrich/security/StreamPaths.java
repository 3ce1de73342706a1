package dev.enrich.security;

import java.util.regex.Pattern;

/** Name the event-stream paths a ticket may open, and build each one's canonical path. */
final class StreamPaths {

    static final String USER = "/api/v1/events";
    private static final Pattern STREAM = Pattern.compile("/api/v1/(events|(jobs|batches)/[A-Za-z0-9_-]{1,64}/events)");

    private StreamPaths() {}

    static boolean isStream(String path) {
        return STREAM.matcher(path).matches();
    }
}
