package dev.enrich.backend.redis;

import dev.enrich.job.Job;
import dev.enrich.job.JobRepository;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.session.StorageLimitException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keep jobs and stage results in Redis with the in-memory adapter's semantics: at most {@code maxJobs} in all and
 * {@code maxPerTenant} per tenant; to make room for a new job the oldest finished jobs (and their results) are
 * forgotten, the tenant's own first; unfinished jobs are never dropped, and when only they hold the room the new job
 * is refused with {@link StorageLimitException}. Finished jobs stay until room is needed or the retention sweep deletes
 * their session (see {@code dev.enrich.retention}). Every change is
 * one Lua script ({@link JobScripts}), so caps and state moves hold across replicas.
 */
final class RedisJobRepository implements JobRepository {

    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;
    private final int maxJobs;
    private final int maxPerTenant;

    /**
     * Create the repository.
     *
     * @throws IllegalArgumentException when a cap is not positive
     */
    RedisJobRepository(ReactiveStringRedisTemplate redis, JsonMapper json, int maxJobs, int maxPerTenant) {
        if (maxJobs <= 0) {
            throw new IllegalArgumentException("maxJobs must be > 0, but was " + maxJobs);
        }
        if (maxPerTenant <= 0) {
            throw new IllegalArgumentException("maxPerTenant must be > 0, but was " + maxPerTenant);
        }
        this.redis = redis;
        this.json = json;
        this.maxJobs = maxJobs;
        this.maxPerTenant = maxPerTenant;
    }

    @Override
    public Mono<Job> save(Job job) {
        return run(JobScripts.SAVE, job, List.of()).flatMap(outcome -> JobScripts.OK.equals(outcome)
                ? Mono.just(job) : Mono.error(refusal(outcome)));
    }

    /** The error of a {@code save} that did not answer OK: a cap (TENANT, SERVICE), or a reply no script gives. */
    RuntimeException refusal(String outcome) {
        return switch (outcome) {
            case JobScripts.TENANT_FULL -> new StorageLimitException(StorageLimitException.Scope.TENANT, "jobs",
                    maxPerTenant);
            case JobScripts.SERVICE_FULL -> new StorageLimitException(StorageLimitException.Scope.SERVICE, "jobs",
                    maxJobs);
            default -> new IllegalStateException("unexpected reply from the job script: " + outcome);
        };
    }

    /** The arguments of the job scripts' {@code save} for {@code job}; also the job part of an admission. */
    List<String> saveArgs(Job job) {
        return args(job, List.of());
    }

    @Override
    public Mono<Boolean> transition(JobState from, Job next) {
        return move(from, next, null);
    }

    /** Checkpoint and move the job in one script: one round trip. */
    @Override
    public Mono<Boolean> transition(JobState from, Job next, StageName stage, StageResult checkpoint) {
        return move(from, next, checkpoint);
    }

    private Mono<Boolean> move(JobState from, Job next, @Nullable StageResult checkpoint) {
        return Mono.defer(() -> redis.execute(JobScripts.TRANSITION, List.of(RedisKeys.jobState(next.id())),
                transitionArgs(from, next, checkpoint)).single()).map(JobScripts.OK::equals);
    }

    private Mono<String> run(RedisScript<String> script, Job job, List<String> extra) {
        return Mono.defer(() -> redis.execute(script, List.of(RedisKeys.jobState(job.id())), args(job, extra))
                .single());
    }

    /** The arguments of the job scripts for {@code job}: those of {@code save} (see {@link JobScripts}), then extra. */
    private List<String> args(Job job, List<String> extra) {
        return args(job, job.delivery() > 0 ? job.runOrder() : 0, extra);
    }

    // As above, stored (and fenced, for a move from RUNNING) as made by the run of order `byRun` (0: by no run).
    private List<String> args(Job job, long byRun, List<String> extra) {
        List<String> args = new ArrayList<>(List.of(job.id(), job.tenant(), job.sessionId(),
                job.state().name(), job.state().isTerminal() ? "1" : "0", RedisKeys.score(job.createdAt()),
                json.writeValueAsString(job), Integer.toString(maxJobs), Integer.toString(maxPerTenant),
                byRun > 0 ? Long.toString(byRun) : ""));
        args.addAll(extra);
        return args;
    }

    /**
     * The arguments of {@link JobScripts#TRANSITION} for a move of {@code next} from {@code from}, with the checkpoint
     * of its stage when given; also the job part of {@link RedisJobMoves}'s script.
     */
    List<String> transitionArgs(JobState from, Job next, @Nullable StageResult checkpoint) {
        return args(next, moveArgs(from, checkpoint));
    }

    /**
     * As {@link #transitionArgs(JobState, Job, StageResult)}, made by the run of order {@code byRun} (when > 0) though
     * {@code next} names none (a retry stored by a run): the move is fenced, and the order stored, as that run's.
     */
    List<String> transitionArgs(JobState from, Job next, @Nullable StageResult checkpoint, long byRun) {
        return next.delivery() == 0 && byRun > 0 ? args(next, byRun, moveArgs(from, checkpoint))
                : transitionArgs(from, next, checkpoint);
    }

    private List<String> moveArgs(JobState from, @Nullable StageResult checkpoint) {
        if (checkpoint == null) {
            return List.of(from.name());
        }
        List<String> args = new ArrayList<>(resultArgs(checkpoint));
        args.add(0, from.name());
        return args;
    }

    /** A checkpoint as the job scripts' move takes it: its stage's field, then its JSON. */
    List<String> resultArgs(StageResult checkpoint) {
        return List.of(checkpoint.stage().name(), json.writeValueAsString(checkpoint));
    }

    @Override
    public Mono<Void> delete(String id) {
        return redis.execute(JobScripts.DELETE, List.of(RedisKeys.jobState(id)), List.of(id)).then();
    }

    @Override
    public Mono<Job> find(String tenant, String id) {
        return findById(id).filter(j -> j.tenant().equals(tenant));
    }

    @Override
    public Mono<Job> findById(String id) {
        return redis.<String, String>opsForHash().get(RedisKeys.jobState(id), "json").map(this::job);
    }

    @Override
    public Flux<Job> findByTenant(String tenant, int limit) {
        return list(RedisKeys.tenantJobs(tenant), limit);
    }

    @Override
    public Flux<Job> findByState(JobState state, int limit) {
        return list(RedisKeys.jobsInState(state.name()), limit);
    }

    @Override
    public Flux<Job> findBySession(String tenant, String sessionId) {
        return list(RedisKeys.sessionJobs(sessionId), Integer.MAX_VALUE).filter(j -> j.tenant().equals(tenant));
    }

    private Flux<Job> list(String index, int limit) {
        if (limit <= 0) {
            return Flux.empty();
        }
        return redis.execute(JobScripts.LIST, List.of(index), List.of(Long.toString(limit - 1L)))
                .flatMapIterable(jsons -> jsons)
                .map(this::job);
    }

    @Override
    public Mono<Void> saveResult(String jobId, StageName stage, StageResult result) {
        return Mono.defer(() -> redis.execute(JobScripts.SAVE_RESULT,
                List.of(RedisKeys.jobState(jobId), RedisKeys.jobResults(jobId)),
                List.of(stage.name(), json.writeValueAsString(result))).then());
    }

    @Override
    public Mono<Void> keepResult(String jobId, StageName stage, StageResult result) {
        return Mono.defer(() -> redis.execute(JobScripts.KEEP_RESULT,
                List.of(RedisKeys.jobState(jobId), RedisKeys.jobResults(jobId)),
                List.of(stage.name(), json.writeValueAsString(result))).then());
    }

    @Override
    public Mono<Map<StageName, StageResult>> results(String jobId) {
        return redis.<String, String>opsForHash().entries(RedisKeys.jobResults(jobId))
                .collect(() -> new EnumMap<StageName, StageResult>(StageName.class),
                        (m, e) -> m.put(StageName.valueOf(e.getKey()), json.readValue(e.getValue(), StageResult.class)))
                .map(Map::copyOf);
    }

    private Job job(String text) {
        return json.readValue(text, Job.class);
    }
}
