package dev.enrich.pipeline;

import java.util.Optional;
import reactor.core.publisher.Flux;

/**
 * Do one kind of enrichment. The pipeline composes stages; a stage knows nothing of the others.
 *
 * <p>{@link #run} returns a cold {@code Flux} of progress updates ending with one {@link StageUpdate.Done}. The
 * pipeline subscribes to it on a bounded scheduler, so a stage may do blocking or CPU-heavy work inside its flux; it
 * must stop promptly when cancelled (emit in small steps, e.g. with {@code Flux.generate}). An error signal ends the
 * stage FAILED.
 */
@FunctionalInterface
public interface Stage {

    /** Enrich the session in {@code context}. */
    Flux<StageUpdate> run(StageContext context);

    /** Return why this stage has nothing to work on (it is then SKIPPED), or empty when it can run. */
    default Optional<String> missingInput(StageContext context) {
        return Optional.empty();
    }
}
