package dev.enrich.config;

import static dev.enrich.config.Settings.require;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Bind and validate the {@code enrich.*} settings.
 *
 * @param pool worker pool and queue
 * @param events event streams
 * @param media media storage and upload limits
 * @param audio audio analysis
 * @param video video analysis
 * @param memory what the embedded in-memory backend holds at most
 */
@ConfigurationProperties("enrich")
public record EnrichProperties(
        @DefaultValue Pool pool,
        @DefaultValue Events events,
        @DefaultValue Media media,
        @DefaultValue Audio audio,
        @DefaultValue Video video,
        @DefaultValue Memory memory) {

    /**
     * Bound what the embedded in-memory backend ({@code enrich.backend=memory}) holds, so that no amount of uploads
     * fills the heap. Per-tenant shares are {@code enrich.limits.max-sessions-per-tenant} and
     * {@code max-jobs-per-tenant}.
     *
     * @param maxSessions sessions kept in all; past it new uploads answer 507
     * @param maxJobs jobs kept in all; the oldest finished ones make room, and when only unfinished jobs are left
     *     new enrichments answer 507
     */
    public record Memory(@DefaultValue("10000") int maxSessions, @DefaultValue("20000") int maxJobs) {

        public Memory {
            require(maxSessions > 0, "enrich.memory.max-sessions must be > 0, but was " + maxSessions);
            require(maxJobs > 0, "enrich.memory.max-jobs must be > 0, but was " + maxJobs);
        }
    }

    /**
     * Tune the video stage.
     *
     * @param sampleFps frames analysed per second of video
     * @param minChapter shorter chapters are merged into a neighbour
     */
    public record Video(@DefaultValue("1") double sampleFps, @DefaultValue("2s") Duration minChapter) {

        public Video {
            require(sampleFps > 0 && sampleFps <= 30, "enrich.video.sample-fps must be in (0, 30], but was " + sampleFps);
            require(minChapter.toMillis() > 0, "enrich.video.min-chapter must be > 0, but was " + minChapter);
        }
    }

    /**
     * Tune the audio stage's voice activity detector.
     *
     * @param minSpeech shorter bursts of sound are not speech
     * @param minSilence shorter pauses do not split speech
     */
    public record Audio(@DefaultValue("150ms") Duration minSpeech, @DefaultValue("300ms") Duration minSilence) {

        public Audio {
            require(minSpeech.toMillis() > 0, "enrich.audio.min-speech must be > 0, but was " + minSpeech);
            require(minSilence.toMillis() > 0, "enrich.audio.min-silence must be > 0, but was " + minSilence);
        }
    }

    /**
     * Configure the worker pool.
     *
     * @param concurrency jobs run at once; 0 means 2 × cores
     * @param cpuThreads threads for CPU-heavy stage work; 0 means cores
     * @param queueCapacity the most jobs that wait; a full queue answers 503
     * @param interactiveBurst interactive jobs taken in a row before a waiting batch job gets a turn
     * @param recycleAfterFailures consecutive FAILED jobs that recycle a slot
     * @param drainTimeout how long shutdown lets running jobs finish before interrupting them
     * @param retryAfter the Retry-After a full queue advertises
     * @param stopWait how long deleting a session waits for its jobs running here to stop before removing their data
     * @param stageBudget how long one stage may run, scaled from its learned duration
     * @param stallTimeout how long a stage may go without a progress signal before it is stopped
     */
    public record Pool(
            @DefaultValue("0") int concurrency,
            @DefaultValue("0") int cpuThreads,
            @DefaultValue("1000") int queueCapacity,
            @DefaultValue("8") int interactiveBurst,
            @DefaultValue("5") int recycleAfterFailures,
            @DefaultValue("30s") Duration drainTimeout,
            @DefaultValue("5s") Duration retryAfter,
            @DefaultValue("10s") Duration stopWait,
            @DefaultValue StageBudget stageBudget,
            @DefaultValue("5m") Duration stallTimeout) {

        public Pool {
            require(concurrency >= 0, "enrich.pool.concurrency must be >= 0, but was " + concurrency);
            require(cpuThreads >= 0, "enrich.pool.cpu-threads must be >= 0, but was " + cpuThreads);
            require(queueCapacity > 0, "enrich.pool.queue-capacity must be > 0, but was " + queueCapacity);
            require(!drainTimeout.isNegative(), "enrich.pool.drain-timeout must be >= 0, but was " + drainTimeout);
            require(!stopWait.isNegative(), "enrich.pool.stop-wait must be >= 0, but was " + stopWait);
            require(stallTimeout.toMillis() > 0, "enrich.pool.stall-timeout must be > 0, but was " + stallTimeout);
        }

        /** Return the effective job concurrency. */
        public int effectiveConcurrency() {
            return concurrency > 0 ? concurrency : 2 * Runtime.getRuntime().availableProcessors();
        }

        /** Return the effective CPU thread count. */
        public int effectiveCpuThreads() {
            return cpuThreads > 0 ? cpuThreads : Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * Bound each stage's run time: {@code factor} times its expected duration (learned per stage, scaled by media
     * length when known), kept between {@code floor} and {@code cap}; a stage never seen before gets the cap.
     *
     * @param floor the least budget
     * @param cap the largest budget
     * @param factor how many times the expected duration a stage may take, >= 1
     */
    public record StageBudget(
            @DefaultValue("2m") Duration floor,
            @DefaultValue("60m") Duration cap,
            @DefaultValue("5") double factor) {

        public StageBudget {
            require(floor.toMillis() > 0, "enrich.pool.stage-budget.floor must be > 0, but was " + floor);
            require(cap.compareTo(floor) >= 0,
                    "enrich.pool.stage-budget.cap must be >= the floor (" + floor + "), but was " + cap);
            require(factor >= 1 && !Double.isInfinite(factor),
                    "enrich.pool.stage-budget.factor must be >= 1, but was " + factor);
        }
    }

    /**
     * Configure event streams.
     *
     * @param heartbeat interval of SSE heartbeat comments
     * @param progressInterval the least time between two progress events of one job
     * @param retainPerStream events kept per stream for replay
     * @param maxStreams streams kept in memory
     * @param deliveryInterval the least time between two deliveries to one stream's subscribers; events in between go
     *     out together in one write per subscriber
     */
    public record Events(
            @DefaultValue("15s") Duration heartbeat,
            @DefaultValue("250ms") Duration progressInterval,
            @DefaultValue("1000") int retainPerStream,
            @DefaultValue("10000") int maxStreams,
            @DefaultValue("10ms") Duration deliveryInterval) {

        public Events {
            require(heartbeat.toMillis() > 0, "enrich.events.heartbeat must be > 0, but was " + heartbeat);
            require(!progressInterval.isNegative(),
                    "enrich.events.progress-interval must be >= 0, but was " + progressInterval);
            require(!deliveryInterval.isNegative(),
                    "enrich.events.delivery-interval must be >= 0, but was " + deliveryInterval);
        }
    }

    /**
     * Configure media storage.
     *
     * @param dir where media files are kept
     * @param maxPartSize the largest single uploaded file
     * @param maxSessionSize the most bytes of media per session, all parts together
     * @param maxFrames the most screenshot frames per session
     */
    public record Media(
            @DefaultValue("${java.io.tmpdir}/enrich-media") Path dir,
            @DefaultValue("1GB") DataSize maxPartSize,
            @DefaultValue("2GB") DataSize maxSessionSize,
            @DefaultValue("2000") int maxFrames) {

        public Media {
            require(maxPartSize.toBytes() > 0, "enrich.media.max-part-size must be > 0, but was " + maxPartSize);
            require(maxSessionSize.toBytes() > 0,
                    "enrich.media.max-session-size must be > 0, but was " + maxSessionSize);
            require(maxFrames > 0, "enrich.media.max-frames must be > 0, but was " + maxFrames);
        }
    }
}
