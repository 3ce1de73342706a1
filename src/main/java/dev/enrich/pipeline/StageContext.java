package dev.enrich.pipeline;

import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import java.util.Map;
import java.util.Optional;

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

    /** Return an upstream result that produced something useful, if any. */
    public Optional<StageResult> useful(StageName stage) {
        return Optional.ofNullable(upstream.get(stage)).filter(r -> r.state().isUseful());
    }
}
