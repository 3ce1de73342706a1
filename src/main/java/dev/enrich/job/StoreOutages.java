package dev.enrich.job;

import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Tell a store that cannot be reached or does not answer in time (Redis down, hung or cut off) from other failures of
 * the stores behind the ports: what fails this way may well succeed a little later, so a job pauses and a request is
 * answered "retry shortly" instead of failing for good.
 */
public final class StoreOutages {

    private StoreOutages() {}

    /**
     * Return true when {@code failure} or one of its causes is Spring's word for an unreachable or timed-out store
     * ({@link DataAccessResourceFailureException}, {@link TransientDataAccessException}) or an I/O error (a connection
     * reset reaches us as the cause of an untranslated store exception).
     */
    public static boolean is(@Nullable Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
                    || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
