package dev.enrich.stage.audio;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.TranscriptSegment;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.transcript.Transcript;
import dev.enrich.transcript.TranscriptParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sound.sampled.AudioFormat;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SynchronousSink;

/**
 * Analyse a session's PCM WAV audio, streamed in chunks with {@code javax.sound.sampled}, never loaded whole.
 *
 * <p>The result is an {@link AudioAnalysis} (levels, speech segments from an energy-based voice activity detector, a
 * loudness timeline) with the uploaded transcript, if any, as its segments. Emits one progress update per chunk
 * (about 200 per file) and stops between chunks when cancelled. Truncated, empty or non-audio input ends the flux
 * with an error.
 */
public final class AudioStage implements Stage {

    private final AudioSettings settings;

    /** Create the stage with {@link AudioSettings#defaults()}. */
    public AudioStage() {
        this(AudioSettings.defaults());
    }

    /** Create the stage with the given detector settings. */
    public AudioStage(AudioSettings settings) {
        this.settings = settings;
    }

    private static final int MAX_TRANSCRIPT_SEGMENTS = 5_000;
    /** Characters of uploaded transcript carried in the result: results stay in memory, the whole text is stored. */
    static final int MAX_TRANSCRIPT_CHARS = 100_000;

    @Override
    public Optional<String> missingInput(StageContext context) {
        return context.session().first(MediaKind.AUDIO).isPresent()
                ? Optional.empty() : Optional.of("No audio in this session.");
    }

    @Override
    public Flux<StageUpdate> run(StageContext context) {
        MediaRef audio = context.session().first(MediaKind.AUDIO).orElseThrow();
        return Flux.using(() -> new Run(PcmDecoder.open(context.media().open(audio.key())), settings),
                        run -> Flux.generate(run::step), Run::close)
                // The transcript is read from the store only once the audio is analysed, so it is held briefly.
                .concatMap(update -> update instanceof StageUpdate.Done && context.session().transcript() != null
                        ? context.transcript().map(raw -> withTranscript(update, raw)).defaultIfEmpty(update)
                        : Flux.just(update));
    }

    // The uploaded transcript (plain, WebVTT or SRT) rides along with the audio facts, capped in segments and
    // characters (the summary reads the whole text from the store).
    private static StageUpdate withTranscript(StageUpdate update, @Nullable String raw) {
        if (!(update instanceof StageUpdate.Done done) || raw == null || raw.isBlank()) {
            return update;
        }
        Transcript transcript = TranscriptParser.parse(raw);
        if (transcript.isEmpty()) {
            return update;
        }
        AudioAnalysis audio = done.result().data(AudioAnalysis.class).orElseThrow();
        return StageUpdate.done(StageResult.succeeded(StageName.AUDIO, capped(audio, transcript.segments())));
    }

    /** Return {@code audio} carrying {@code segments}, cut to the most segments and characters a result holds. */
    private static AudioAnalysis capped(AudioAnalysis audio, List<TranscriptSegment> segments) {
        List<TranscriptSegment> kept = new ArrayList<>();
        boolean truncated = false;
        int room = MAX_TRANSCRIPT_CHARS;
        for (TranscriptSegment segment : segments) {
            if (kept.size() == MAX_TRANSCRIPT_SEGMENTS || room == 0) {
                truncated = true;
                break;
            }
            String text = segment.text();
            if (text.length() > room) {
                int end = Character.isHighSurrogate(text.charAt(room - 1)) ? room - 1 : room;
                text = text.substring(0, end);
                segment = new TranscriptSegment(segment.start(), segment.end(), text);
                truncated = true;
            }
            room -= text.length();
            kept.add(segment);
            if (truncated) {
                break;
            }
        }
        return audio.withTranscript(kept, truncated, null);
    }

    /** Decode and analyse one file; one instance per subscription. */
    private static final class Run {
        private final PcmDecoder decoder;
        private final SignalAnalyzer analyzer;

        Run(PcmDecoder decoder, AudioSettings settings) {
            this.decoder = decoder;
            AudioFormat f = decoder.source();
            this.analyzer = new SignalAnalyzer(settings, Math.round(f.getSampleRate()), f.getChannels(),
                    f.getSampleSizeInBits(), decoder.expectedFrames(), decoder.clipLevel());
        }

        void step(SynchronousSink<StageUpdate> sink) {
            try {
                int count = decoder.read();
                if (count > 0) {
                    analyzer.accept(decoder.samples(), count);
                    sink.next(StageUpdate.progress(decoder.fraction(), StageName.AUDIO.activity()));
                } else {
                    sink.next(StageUpdate.done(StageResult.succeeded(StageName.AUDIO, analyzer.result())));
                    sink.complete();
                }
            } catch (IOException e) {
                sink.error(e);
            }
        }

        void close() {
            try {
                decoder.close();
            } catch (IOException ignored) {
                // closing a read-only stream; nothing to recover
            }
        }
    }
}
