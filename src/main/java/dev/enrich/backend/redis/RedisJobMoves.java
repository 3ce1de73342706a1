package dev.enrich.backend.redis;

import dev.enrich.events.JobEvent;
import dev.enrich.events.JobMoves;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageResult;
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
    private static final RedisScript<List> MOVE = LuaScript.of(JobScripts.COMMON + RedisEventLog.APPEND_FUNCTION + """
            local n = tonumber(ARGV[1])
            local a = {unpack(ARGV, 2, n + 1)}
            if redis.call('HGET', jobKey(a[1]), 'json') == a[7] then
              local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
              if seq > 0 then return {'OK', seq, seq} end
            end
            local moved = move(a)
            if moved ~= 'OK' then return {moved} end
            local appended = append({unpack(KEYS, 2)}, {unpack(ARGV, n + 2)})
            return {'OK', appended[1], appended[2]}
            """, List.class);

    private final ReactiveStringRedisTemplate redis;
    private final RedisJobRepository jobs;
    private final RedisEventLog log;

    RedisJobMoves(ReactiveStringRedisTemplate redis, RedisJobRepository jobs, RedisEventLog log) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public Mono<Optional<JobEvent>> move(JobState from, Job next, @Nullable StageResult checkpoint, String stream,
            List<String> alsoTo, JobEvent event) {
        return Mono.defer(() -> {
            List<String> moveArgs = jobs.transitionArgs(from, next, checkpoint);
            RedisEventLog.Append append = log.prepare(stream, alsoTo, event);
            List<String> keys = new ArrayList<>(append.keys().size() + 1);
            keys.add(RedisKeys.jobState(next.id()));
            keys.addAll(append.keys());
            List<String> args = new ArrayList<>(moveArgs.size() + append.args().size() + 1);
            args.add(Integer.toString(moveArgs.size()));
            args.addAll(moveArgs);
            args.addAll(append.args());
            return redis.execute(MOVE, keys, args).next().map(reply -> switch (String.valueOf(reply.get(0))) {
                case JobScripts.OK -> Optional.of(append.stored(reply.get(1), reply.get(2)));
                case JobScripts.STALE -> Optional.<JobEvent>empty();
                default -> throw new IllegalStateException("unexpected reply from the move script: " + reply);
            });
        });
    }
}
