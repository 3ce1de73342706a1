package dev.enrich.stage.audio;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.Transcription;
import dev.enrich.config.AiProperties;
import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.TranscriptSegment;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.SessionText;
import dev.enrich.stage.ai.AiFallback;
import dev.enrich.stage.ai.AiText;
import dev.enrich.stage.ai.LocalFirstAiStage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Add an AI transcript to the local audio result when no transcript was uploaded. Decorates the local audio stage.
 *
 * <p>Runs the local stage first (its progress scaled to 0..0.7); its result is the fallback. Then cuts the audio into
 * chunks of at most {@link AiProperties#maxUploadSize()} bytes, in the middle of pauses between the local speech
 * segments (hard cuts where speech runs on longer than a chunk), writes each as a 16-bit PCM mono WAV temp file and
 * transcribes them one after another (progress 0.7..1.0). Chunks without speech are not sent; when the local stage
 * found no speech at all, nothing is sent and the local result stands. A chunk with the same content as one already
 * transcribed in the same job is not sent again ({@link AiCache} kind {@code "transcribe"}). Temp files are deleted
 * as soon as a chunk is done, and on error or cancellation.
 *
 * <p>On success the result adds {@code transcript} ({start, end, text} segments in recording time, at most 5,000,
 * then {@code transcriptTruncated}) and {@code transcriptSource: "ai"}, with path {@code ai}. When any chunk fails,
 * the local result is kept, DEGRADED, path {@code local}, with a friendly message (see {@link AiFallback}). When the
 * provider is disabled the stage is the local stage; with an uploaded transcript it only scales the progress.
 */
public final class AiTranscriptionStage extends LocalFirstAiStage {

    static final String UNREACHABLE_MESSAGE = "Couldn't reach the AI service — no transcript this time.";
    static final String ACTIVITY = "Transcribing audio...";
    static final double LOCAL_SHARE = AiFallback.LOCAL_SHARE;
    static final int MAX_SEGMENTS = 5_000;
    static final int MAX_TEXT_CHARS = 2_000;
    /** One second of 16 kHz audio plus its header; smaller chunks are not worth a call. */
    static final long MIN_UPLOAD_BYTES = WavChunkWriter.HEADER_BYTES + 32_000;

    private static final Logger log = LoggerFactory.getLogger(AiTranscriptionStage.class);

    private final long maxUploadBytes;
    private final Path tempDir;

    /** Create the decorator; chunk files go to the system temp directory. */
    public AiTranscriptionStage(Stage local, AiProvider provider, AiCache cache, AiProperties properties) {
        this(local, provider, cache, properties, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * Create the decorator.
     *
     * @param tempDir where chunk files are written (and deleted)
     * @throws IllegalArgumentException when the upload limit cannot hold one second of audio
     */
    public AiTranscriptionStage(Stage local, AiProvider provider, AiCache cache, AiProperties properties,
            Path tempDir) {
        super(local, provider, cache);
        long max = properties.maxUploadSize().toBytes();
        if (max < MIN_UPLOAD_BYTES) {
            throw new IllegalArgumentException("enrich.ai.max-upload-size must be >= " + MIN_UPLOAD_BYTES
                    + " bytes for transcription, but was " + max);
        }
        this.maxUploadBytes = max;
        this.tempDir = tempDir;
    }

    @Override
    protected Flux<StageUpdate> improve(StageContext context, StageResult basic) {
        SessionText uploaded = context.session().transcript();
        boolean hasTranscript = (uploaded != null && !uploaded.isBlank())
                || basic.data(AudioAnalysis.class).filter(a -> !a.transcript().isEmpty()).isPresent();
        return hasTranscript || !basic.state().isUseful() ? Flux.just(StageUpdate.done(basic))
                : transcribe(context, basic);
    }

    private Flux<StageUpdate> transcribe(StageContext context, StageResult localResult) {
        AudioAnalysis analysis = localResult.data(AudioAnalysis.class).orElseThrow();
        List<double[]> speech = analysis.segments().stream().map(s -> new double[] {s.start(), s.end()}).toList();
        if (speech.isEmpty()) {
            return Flux.just(StageUpdate.done(localResult));
        }
        double duration = analysis.durationSeconds();
        double knownUntil = analysis.segmentsTruncated() ? speech.get(speech.size() - 1)[1] : duration;
        MediaRef audio = context.session().first(MediaKind.AUDIO).orElseThrow();
        AiCall call = call(context, StageName.AUDIO);
        Flux<StageUpdate> ai = Flux.using(() -> WavChunkWriter.open(context.media().open(audio.key()), tempDir),
                writer -> {
                    int rate = writer.rate();
                    List<ChunkPlan.Chunk> chunks = ChunkPlan.plan(speech, knownUntil,
                                    (long) Math.ceil(duration * rate), rate, WavChunkWriter.maxFrames(maxUploadBytes))
                            .stream().filter(ChunkPlan.Chunk::speech).toList();
                    List<Part> parts = new ArrayList<>();
                    return Flux.fromIterable(chunks)
                            .concatMap(chunk -> transcribeChunk(writer, chunk, call))
                            .map(part -> {
                                parts.add(part);
                                double fraction = LOCAL_SHARE + (1 - LOCAL_SHARE) * parts.size() / chunks.size();
                                return StageUpdate.progress(fraction, ACTIVITY);
                            })
                            .concatWith(Mono.fromSupplier(
                                    () -> StageUpdate.done(merged(localResult, analysis, parts))));
                },
                AiTranscriptionStage::closeQuietly);
        return Flux.concat(Mono.just(StageUpdate.progress(LOCAL_SHARE, ACTIVITY)),
                ai.subscribeOn(Schedulers.boundedElastic())
                        .onErrorResume(e -> Mono.just(StageUpdate.done(
                                AiFallback.fallback(context, localResult, e, UNREACHABLE_MESSAGE)))));
    }

    /** Write one chunk, transcribe it (or reuse the transcript of equal content) and delete the file. */
    private Mono<Part> transcribeChunk(WavChunkWriter writer, ChunkPlan.Chunk chunk, AiCall call) {
        return Mono.using(() -> writer.write(chunk.startFrame(), chunk.endFrame()),
                        written -> cache.get(call.jobId(), "transcribe", written.sha256(),
                                        () -> provider.transcribe(call, written.file(), written.startSeconds())
                                                .map(t -> new Part(written.startSeconds(), written.endSeconds(), t)))
                                // Reused content may sit elsewhere in the recording: move its times here.
                                .map(part -> part.movedTo(written.startSeconds(), written.endSeconds()))
                                // File clean-up and the next chunk are blocking: not on a Netty thread.
                                .publishOn(Schedulers.boundedElastic()),
                        written -> deleteQuietly(writer, written.file()))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static void closeQuietly(WavChunkWriter writer) {
        try {
            writer.close();
        } catch (IOException e) {
            log.warn("Could not delete every chunk file: {}", e.toString());
        }
    }

    private static void deleteQuietly(WavChunkWriter writer, Path file) {
        try {
            writer.delete(file);
        } catch (IOException e) {
            log.debug("Could not delete chunk file {} (deleted on close): {}", file, e.toString());
        }
    }

    private static StageResult merged(StageResult localResult, AudioAnalysis audio, List<Part> parts) {
        List<TranscriptSegment> transcript = new ArrayList<>();
        boolean truncated = false;
        for (Part part : parts) {
            for (Transcription.Segment s : part.segments()) {
                String text = AiText.clean(s.text(), MAX_TEXT_CHARS, false).orElse("");
                if (text.isEmpty() || !Double.isFinite(s.start()) || !Double.isFinite(s.end())) {
                    continue;
                }
                if (transcript.size() == MAX_SEGMENTS) {
                    truncated = true;
                    break;
                }
                transcript.add(new TranscriptSegment(ms(Math.max(0, s.start())), ms(Math.max(s.start(), s.end())),
                        text));
            }
        }
        return localResult.with(audio.withTranscript(transcript, truncated, AudioAnalysis.TRANSCRIPT_BY_AI), "ai");
    }

    private static double ms(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /**
     * Hold the transcript of one chunk and where the chunk was when it was transcribed.
     *
     * @param start the chunk's start in the recording, seconds
     * @param end the chunk's end, seconds
     * @param transcription segment times in recording time
     */
    private record Part(double start, double end, Transcription transcription) {

        /** Return the same transcript for the same content at another place in the recording. */
        Part movedTo(double newStart, double newEnd) {
            if (newStart == start) {
                return this;
            }
            double shift = newStart - start;
            List<Transcription.Segment> moved = transcription.segments().stream()
                    .map(s -> new Transcription.Segment(s.start() + shift, s.end() + shift, s.text())).toList();
            return new Part(newStart, newEnd, new Transcription(transcription.text(), moved,
                    transcription.audioSeconds()));
        }

        /** Return the timed segments; an untimed transcript becomes one segment spanning the chunk. */
        List<Transcription.Segment> segments() {
            if (!transcription.segments().isEmpty() || transcription.text().isBlank()) {
                return transcription.segments();
            }
            return List.of(new Transcription.Segment(start, end, transcription.text()));
        }
    }
}
