package dev.enrich.session;

/** Signal that an upload would take a tenant past its storage cap (bytes of media held). Nothing was kept. */
public final class MediaQuotaException extends RuntimeException {

    private final long cap;

    /**
     * Create the signal.
     *
     * @param cap the tenant's cap in bytes
     */
    public MediaQuotaException(long cap) {
        super("media storage cap of " + cap + " bytes reached", null, false, false);
        this.cap = cap;
    }

    /** Return the tenant's cap in bytes. */
    public long cap() {
        return cap;
    }
}
