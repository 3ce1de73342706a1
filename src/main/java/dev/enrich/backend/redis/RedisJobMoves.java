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

    // The very move tried again after its reply was lost to a timeout (the job is stored exactly as `a` stores it):
    // the job stream's last number (counter: its key), which the first try's reply would have said; nil otherwise.
    private static final String REPLAYED_FUNCTION = """
            local function replayed(a, counter)
              if redis.call('HGET', jobKey(a[1]), 'json') == a[7] then
                local seq = tonumber(redis.call('GET', counter) or '0')
                if seq > 0 then return seq end
              end
            end
            """;

    // A run's consecutive moves (JobMoves#moveAll; a single move is a group of one) in one script: the job stored as
    // the last one leaves it, every checkpoint kept, every event appended, or nothing moved (the checkpoints kept as
    // the job scripts' move keeps one). KEYS[1]: the job's state key, then the appends' keys (the job stream's counter
    // first). ARGV[1]: how many arguments of the job scripts' move follow (the last step's job, moved from the state
    // before the first step, with no checkpoint), ARGV[2]: checkpoints c, ARGV[3]: events e, ARGV[4]: arguments per
    // event m; then the move's, then c pairs (stage, JSON), then the e appends' arguments. Returns {'OK', seq, jobSeq}
    // of the last event (the events are numbered one after the other in the job's stream), or {'STALE'}. Tried again
    // after a lost reply, it answers as it did and appends nothing again.
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> MOVE_ALL = LuaScript.of(JobScripts.COMMON + RedisEventLog.APPEND_FUNCTION
            + REPLAYED_FUNCTION + """
            local n, c, e, m = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
            local a = {unpack(ARGV, 5, n + 4)}
            local seq = replayed(a, KEYS[2])
            if seq then return {'OK', seq, seq} end
            local stale, exists = staleMove(a)
            if exists then
              for i = 0, c - 1 do checkpoint(a[1], stale, ARGV[n + 5 + 2 * i], ARGV[n + 6 + 2 * i]) end
            end
            if stale then return {'STALE'} end
            local saved = save(a)
            if saved ~= 'OK' then return {saved} end
            local k = {unpack(KEYS, 2)}
            local last
            for i = 0, e - 1 do
              local from = n + 5 + 2 * c + i * m
              last = append(k, {unpack(ARGV, from, from + m - 1)})
            end
            return {'OK', last[1], last[2]}
            """, List.class);

    // A job stored QUEUED for its retry with its event, its wait held (QueueScripts.HOLD_FUNCTION) in the same script:
    // a crash after the move cannot leave the job stored QUEUED for its retry with nothing to queue it. KEYS[1]: the
    // job's state key, KEYS[2], KEYS[3]: the queue's waits (sorted set, fields), then the append's keys. ARGV[1]: how
    // many arguments of the job scripts' move follow (see JobScripts#TRANSITION), then the wait's four arguments (job,
    // delay ms, fields, attempt), then the append's. Returns as MOVE_ALL. The move tried again after a lost reply holds
    // nothing again (the wait may have been queued since).
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> MOVE_TO_RETRY = LuaScript.of(JobScripts.COMMON
            + RedisEventLog.APPEND_FUNCTION + QueueScripts.HOLD_FUNCTION + REPLAYED_FUNCTION + """
            local n = tonumber(ARGV[1])
            local a = {unpack(ARGV, 2, n + 1)}
            local seq = replayed(a, KEYS[4])
            if seq then return {'OK', seq, seq} end
            local moved = move(a)
            if moved ~= 'OK' then return {moved} end
            hold(KEYS[2], KEYS[3], ARGV[n + 2], ARGV[n + 3], ARGV[n + 4], ARGV[n + 5])
            local appended = append({unpack(KEYS, 4)}, {unpack(ARGV, n + 6)})
            return {'OK', appended[1], appended[2]}
            """, List.class);

    // The queue's offer (QueueScripts.OFFER) with the jobs it queues stored in the same script. KEYS: the offer's
    // (index, tenants, interactive and batch streams). ARGV[1]: jobs n; ARGV[2]: arguments per job m (the job
    // scripts' save, or their move with the state to move from); ARGV[3]: the queue's capacity; then each job's m
    // arguments, then each job's five offer arguments. The queue's checks come first, so a refusal changes nothing;
    // a new job the repository's caps refuse forgets those stored before it. Returns the queue's counts with status
    // 'OK' (as OFFER's), or {'FULL'}, {'STALE'}, {'TENANT'}, {'SERVICE'}.
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> ADMIT = LuaScript.of(JobScripts.COMMON + QueueScripts.ENQUEUE
            + QueueScripts.COUNTS + """
            local n, m = tonumber(ARGV[1]), tonumber(ARGV[2])
            local offers = 4 + n * m
            if redis.call('HLEN', KEYS[1]) + n > tonumber(ARGV[3]) then return {'FULL'} end
            for i = 0, n - 1 do
              if redis.call('HEXISTS', KEYS[1], ARGV[offers + i * 5]) == 1 then return {'FULL'} end
            end
            for i = 0, n - 1 do
              local a = {unpack(ARGV, 4 + i * m, 3 + (i + 1) * m)}
              local stored
              if a[11] then stored = move(a) else stored = save(a) end
              if stored ~= 'OK' then
                if not a[11] then
                  for j = 0, i - 1 do forget(ARGV[4 + j * m]) end
                end
                return {stored}
              end
            end
            for i = 0, n - 1 do
              local o = offers + i * 5
              enqueue(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[o], ARGV[o + 1], ARGV[o + 2], ARGV[o + 3],
                ARGV[o + 4])
            end
            return counts(KEYS[1], KEYS[2], 'OK')
            """, List.class);
    private static final String FULL = "FULL";

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
        return moveAll(from, List.of(new Step(next, checkpoint, event)), stream, alsoTo)
                .map(stored -> stored.stream().findFirst());
    }

    @Override
    public Mono<List<JobEvent>> moveAll(JobState from, List<Step> steps, String stream, List<String> alsoTo) {
        return Mono.defer(() -> {
            Job last = steps.get(steps.size() - 1).next();
            List<String> moveArgs = jobs.transitionArgs(from, last, null);
            List<RedisEventLog.Append> appends = new ArrayList<>(steps.size());
            List<String> checkpoints = new ArrayList<>();
            for (Step step : steps) {
                appends.add(log.prepare(stream, alsoTo, step.event()));
                if (step.checkpoint() != null) {
                    checkpoints.addAll(jobs.resultArgs(step.checkpoint()));
                }
            }
            int perEvent = appends.get(0).args().size();
            List<String> keys = new ArrayList<>(appends.get(0).keys().size() + 1);
            keys.add(RedisKeys.jobState(last.id()));
            keys.addAll(appends.get(0).keys());
            List<String> args = new ArrayList<>(4 + moveArgs.size() + checkpoints.size() + perEvent * steps.size());
            args.add(Integer.toString(moveArgs.size()));
            args.add(Integer.toString(checkpoints.size() / 2));
            args.add(Integer.toString(steps.size()));
            args.add(Integer.toString(perEvent));
            args.addAll(moveArgs);
            args.addAll(checkpoints);
            for (RedisEventLog.Append append : appends) {
                if (append.args().size() != perEvent || !append.keys().equals(appends.get(0).keys())) {
                    throw new IllegalArgumentException("the steps' events must go to the same streams");
                }
                args.addAll(append.args());
            }
            return redis.execute(MOVE_ALL, keys, args).next().map(reply -> switch (String.valueOf(reply.get(0))) {
                case JobScripts.OK -> numbered(appends, (Number) reply.get(1), (Number) reply.get(2));
                case JobScripts.STALE -> List.<JobEvent>of();
                default -> throw new IllegalStateException("unexpected reply from the moves script: " + reply);
            });
        });
    }

    // The events of one script, numbered one after the other up to the last one's numbers.
    private static List<JobEvent> numbered(List<RedisEventLog.Append> appends, Number seq, Number jobSeq) {
        List<JobEvent> stored = new ArrayList<>(appends.size());
        long before = appends.size() - 1L;
        for (RedisEventLog.Append append : appends) {
            stored.add(append.stored(seq.longValue() - before, jobSeq.longValue() - before));
            before--;
        }
        return stored;
    }

    @Override
    public Mono<Optional<JobEvent>> moveToRetry(JobState from, Job next, String stream, List<String> alsoTo,
            JobEvent event, Duration wait, Instant queuedAt, long byRun) {
        return Mono.defer(() -> retry(queue.waitKeys(), RedisJobQueue.waitArgs(new QueuedJob(next.id(),
                        next.tenant(), next.priority(), queuedAt, next.attempt()), wait),
                jobs.transitionArgs(from, next, null, byRun), next, log.prepare(stream, alsoTo, event)))
                // On time from here; the sweep of every replica queues it too, within a view interval, if this one dies.
                .doOnNext(moved -> moved.ifPresent(stored -> queue.queueDueAfter(wait)));
    }

    @Override
    public boolean holdsWaits() {
        return true;
    }

    @Override
    public Mono<Admission> admit(List<Job> admitted, @Nullable JobState from, Instant queuedAt) {
        if (admitted.isEmpty()) {
            return Mono.just(Admission.ADMITTED);
        }
        if (from != null && admitted.size() != 1) {
            throw new IllegalArgumentException("a job run again is admitted on its own");
        }
        return Mono.defer(() -> {
            List<QueuedJob> entries = admitted.stream().map(job -> new QueuedJob(job.id(), job.tenant(),
                    job.priority(), queuedAt, job.attempt())).toList();
            List<String> args = new ArrayList<>();
            List<String> jobArgs = new ArrayList<>();
            for (Job job : admitted) {
                jobArgs.addAll(from == null ? jobs.saveArgs(job) : jobs.transitionArgs(from, job, null));
            }
            args.add(Integer.toString(admitted.size()));
            args.add(Integer.toString(jobArgs.size() / admitted.size()));
            args.add(Integer.toString(queue.capacity()));
            args.addAll(jobArgs);
            args.addAll(RedisJobQueue.offerArgs(entries));
            return queue.offerWith(redis.execute(ADMIT, queue.offerKeys(), args).next(), JobScripts.OK, entries);
        }).flatMap(status -> switch (status) {
            case JobScripts.OK -> Mono.just(Admission.ADMITTED);
            case FULL -> Mono.just(Admission.QUEUE_REFUSED);
            case JobScripts.STALE -> Mono.just(Admission.STALE);
            default -> Mono.error(jobs.refusal(status));
        });
    }

    @Override
    public boolean admitsJobs() {
        return true;
    }

    @SuppressWarnings("rawtypes")
    private Mono<Optional<JobEvent>> retry(List<String> waitKeys, List<String> waitArgs,
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
        return redis.execute(MOVE_TO_RETRY, keys, args).next().map(reply -> switch (String.valueOf(reply.get(0))) {
            case JobScripts.OK -> Optional.of(append.stored(reply.get(1), reply.get(2)));
            case JobScripts.STALE -> Optional.<JobEvent>empty();
            default -> throw new IllegalStateException("unexpected reply from the move script: " + reply);
        });
    }
}
