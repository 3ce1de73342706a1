package dev.enrich.resilience;

/**
 * Say what a failure means for the work around it.
 *
 * <p>{@link #TRANSIENT} and {@link #PERMANENT} describe one failed call; {@link #PARTIAL} describes a job whose stage
 * failed while other stages still produced something useful (the engine's outcome, never a single call's).
 */
public enum ErrorClass {
    /** A later attempt may succeed: timeouts, connection resets, 429, 502/503/504. Retried. */
    TRANSIENT,
    /** Trying again will not help: bad key, bad request, malformed or unsupported input, budget used up. */
    PERMANENT,
    /** Part of the work failed but the rest is still useful: degrade instead of failing. */
    PARTIAL
}
