package dev.enrich.session;

/** Signal that an upload part exceeded its size limit. */
public class MediaTooLargeException extends RuntimeException {

    private final long limit;

    public MediaTooLargeException(long limit) {
        super("upload part exceeds " + limit + " bytes");
        this.limit = limit;
    }

    /** Return the limit in bytes that was exceeded. */
    public long limit() {
        return limit;
    }
}
