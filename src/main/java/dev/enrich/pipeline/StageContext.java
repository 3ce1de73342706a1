package dev.enrich.pipeline;

import dev.enrich.model.StageOutput;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.SessionText;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Give a stage its input: the session, the results of the stages it runs after, and access to stored media.
 *
 * @param jobId the job running the stage
 * @param session the session being enriched
 * @param upstream results of the stages that finished before this one (may be empty)
 * @param media the store to open session media from (blocking; stages run on a bounded scheduler)
 */
public record StageContext(String jobId, Session session, Map<StageName, StageResult> upstream, MediaStore media) {

    public StageContext {
        upstream = Map.copyOf(upstream);
    }

    /** Load the session's whole notes (from the media store, on bounded elastic); empty when there are none. */
    public Mono<String> notes() {
        return text(session.notes());
    }

    /** Load the session's whole uploaded transcript, like {@link #notes()}; empty when there is none. */
    public Mono<String> transcript() {
        return text(session.transcript());
    }

    private Mono<String> text(@Nullable SessionText text) {
        if (text == null) {
            return Mono.empty();
        }
        if (!text.isStored()) {
            return Mono.just(text.preview());
        }
        return Mono.fromCallable(() -> text.read(media)).subscribeOn(Schedulers.boundedElastic());
    }

    /** Return an upstream result that produced something useful, if any. */
    public Optional<StageResult> useful(StageName stage) {
        return Optional.ofNullable(upstream.get(stage)).filter(r -> r.state().isUseful());
    }

    /**
     * Return the output of type {@code type} of the upstream stage that produces it, when that stage produced
     * something useful; e.g. {@code useful(AudioAnalysis.class)}.
     */
    public <T extends StageOutput> Optional<T> useful(Class<T> type) {
        return upstream.values().stream().filter(r -> r.state().isUseful()).map(r -> r.data(type))
                .flatMap(Optional::stream).findFirst();
    }
}
