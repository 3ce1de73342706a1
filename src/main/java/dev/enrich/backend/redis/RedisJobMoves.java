package dev.enrich.backend.redis;

import dev.enrich.events.JobEvent;
import dev.enrich.events.JobMoves;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageResult;
import dev.enrich.queue.QueuedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Move a job and append its event in one Lua script: the job scripts' move ({@link JobScripts#TRANSITION}, with its
 * checkpoint) and the event log's shared append, so a job's step costs one round trip instead of two, and no replica
 * ever reads a move whose event is not in the streams yet.
 */
final class RedisJobMoves implements JobMoves {

    // KEYS[1]: the job's state key, then the append's keys (the job stream's counter first). ARGV[1]: how many
    // arguments of the job scripts' move follow (see JobScripts#TRANSITION), then the append's arguments. Returns
    // {'OK', seq, jobSeq} when the job moved and the event was appended, {'STALE'} when it was not in state. A job
    // already stored exactly so is this very move tried again (its reply was lost to a timeout): it answers as it
    // did, with the job stream's last number, and appends nothing again.
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> MOVE = script(false);

    // As MOVE, and when the job moved, hold its wait (QueueScripts.HOLD_FUNCTION) in the same script: a crash after
    // the move cannot leave the job stored QUEUED for its retry with nothing to queue it. KEYS[2], KEYS[3]: the
    // queue's waits (sorted set, fields), before the append's keys; the wait's four arguments (job, delay ms, fields,
    // attempt) come after the move's. The move tried again after a lost reply holds nothing again (the wait may have
    // been queued since).
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> MOVE_TO_RETRY = script(true);

    @SuppressWarnings("rawtypes")
    private static RedisScript<List> script(boolean holding) {
        int appendKeys = holding ? 4 : 2;
        int appendArgs = holding ? 6 : 2;
        return LuaScript.of(JobScripts.COMMON + RedisEventLog.APPEND_FUNCTION
                + (holding ? QueueScripts.HOLD_FUNCTION : "") + """
                local n = tonumber(ARGV[1])
                local a = {unpack(ARGV, 2, n + 1)}
                if redis.call('HGET', jobKey(a[1]), 'json') == a[7] then
                  local seq = tonumber(redis.call('GET', KEYS[%d]) or '0')
                  if seq > 0 then return {'OK', seq, seq} end
                end
                local moved = move(a)
                if moved ~= 'OK' then return {moved} end
                %s
                local appended = append({unpack(KEYS, %d)}, {unpack(ARGV, n + %d)})
                return {'OK', appended[1], appended[2]}
                """.formatted(appendKeys,
                        holding ? "hold(KEYS[2], KEYS[3], ARGV[n + 2], ARGV[n + 3], ARGV[n + 4], ARGV[n + 5])" : "",
                        appendKeys, appendArgs), List.class);
    }

    private final ReactiveStringRedisTemplate redis;
    private final RedisJobRepository jobs;
    private final RedisEventLog log;
    private final RedisJobQueue queue;

    RedisJobMoves(ReactiveStringRedisTemplate redis, RedisJobRepository jobs, RedisEventLog log, RedisJobQueue queue) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.log = Objects.requireNonNull(log, "log");
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public Mono<Optional<JobEvent>> move(JobState from, Job next, @Nullable StageResult checkpoint, String stream,
            List<String> alsoTo, JobEvent event) {
        return Mono.defer(() -> run(MOVE, List.of(), List.of(), jobs.transitionArgs(from, next, checkpoint), next,
                log.prepare(stream, alsoTo, event)));
    }

    @Override
    public Mono<Optional<JobEvent>> moveToRetry(JobState from, Job next, String stream, List<String> alsoTo,
            JobEvent event, Duration wait, Instant queuedAt) {
        return Mono.defer(() -> run(MOVE_TO_RETRY, queue.waitKeys(), RedisJobQueue.waitArgs(new QueuedJob(next.id(),
                        next.tenant(), next.priority(), queuedAt, next.attempt()), wait),
                jobs.transitionArgs(from, next, null), next, log.prepare(stream, alsoTo, event)))
                // On time from here; the sweep of every replica queues it too, within a view interval, if this one dies.
                .doOnNext(moved -> moved.ifPresent(stored -> queue.queueDueAfter(wait)));
    }

    @Override
    public boolean holdsWaits() {
        return true;
    }

    @SuppressWarnings("rawtypes")
    private Mono<Optional<JobEvent>> run(RedisScript<List> script, List<String> waitKeys, List<String> waitArgs,
            List<String> moveArgs, Job next, RedisEventLog.Append append) {
        List<String> keys = new ArrayList<>(append.keys().size() + waitKeys.size() + 1);
        keys.add(RedisKeys.jobState(next.id()));
        keys.addAll(waitKeys);
        keys.addAll(append.keys());
        List<String> args = new ArrayList<>(moveArgs.size() + waitArgs.size() + append.args().size() + 1);
        args.add(Integer.toString(moveArgs.size()));
        args.addAll(moveArgs);
        args.addAll(waitArgs);
        args.addAll(append.args());
        return redis.execute(script, keys, args).next().map(reply -> switch (String.valueOf(reply.get(0))) {
            case JobScripts.OK -> Optional.of(append.stored(reply.get(1), reply.get(2)));
            case JobScripts.STALE -> Optional.<JobEvent>empty();
            default -> throw new IllegalStateException("unexpected reply from the move script: " + reply);
        });
    }
}
