package dev.enrich.pipeline;

/**
 * Signal that a stage lost something it needed to the service's own shutdown (a disposed scheduler, an interrupted
 * thread, a JVM refusing new shutdown hooks) rather than failing on its input: the job is interrupted, not failed,
 * and a retry runs the stage again.
 */
public final class StageInterruptedException extends RuntimeException {

    private final StageName stage;

    /** Create the signal for {@code stage}, keeping what the shutdown threw as the cause. */
    public StageInterruptedException(StageName stage, Throwable cause) {
        super("stage " + stage.id() + " interrupted by the shutdown: " + cause, cause);
        this.stage = stage;
    }

    /** Return the stage that was interrupted. */
    public StageName stage() {
        return stage;
    }
}
