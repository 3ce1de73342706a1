package dev.enrich.api;

import dev.enrich.job.StoreOutages;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Tell a store that cannot be reached or does not answer in time (Redis down, hung or cut off) from other failures: the
 * request may well succeed a little later, so it answers 503 with {@code Retry-After}, not 500.
 */
final class StoreOutage {

    /** The detail such a request answers with: nothing internal, only what the caller can do. */
    static final String DETAIL = "Enrich is temporarily unavailable. Please retry shortly.";

    // Lettuce's own exceptions, which reach us untranslated or as the cause of a RedisSystemException; Spring's
    // translations and I/O errors are the stores' shared definition (StoreOutages).
    private static final Set<Class<? extends Throwable>> CLIENT_OUTAGES = Set.of(RedisConnectionException.class,
            RedisCommandTimeoutException.class);

    private StoreOutage() {}

    /** Return true when {@code failure} or one of its causes says the store is unreachable or timed out. */
    static boolean is(@Nullable Throwable failure) {
        if (StoreOutages.is(failure)) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Throwable current = t;
            if (CLIENT_OUTAGES.stream().anyMatch(type -> type.isInstance(current))) {
                return true;
            }
        }
        return false;
    }
}
