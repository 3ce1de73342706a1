package dev.enrich.session;

/**
 * Signal that a repository holds as much as it may: one tenant's share ({@link Scope#TENANT}) or the whole
 * service's ({@link Scope#SERVICE}). Nothing was saved.
 */
public final class StorageLimitException extends RuntimeException {

    /** Say whose share is full. */
    public enum Scope {
        /** The caller's own share; others may still store. */
        TENANT,
        /** The service's storage as a whole. */
        SERVICE
    }

    private final Scope scope;
    private final String what;

    /**
     * Create the signal.
     *
     * @param what what could not be stored, plural ("sessions", "jobs")
     */
    public StorageLimitException(Scope scope, String what, int limit) {
        super(what + " limit of " + limit + " reached (" + scope.name().toLowerCase(java.util.Locale.ROOT) + ")",
                null, false, false);
        this.scope = scope;
        this.what = what;
    }

    /** Return whose share is full. */
    public Scope scope() {
        return scope;
    }

    /** Return what could not be stored, plural ("sessions", "jobs"). */
    public String what() {
        return what;
    }
}
