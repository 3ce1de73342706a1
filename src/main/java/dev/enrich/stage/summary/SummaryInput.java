package dev.enrich.stage.summary;

import static reactor.function.TupleUtils.function;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.pipeline.StageContext;
import dev.enrich.session.SessionText;
import dev.enrich.transcript.Transcript;
import dev.enrich.transcript.TranscriptParser;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Gather what the summary reads: the transcript (the uploaded one, else the one in the audio result), the notes,
 * the frame captions in the video result and the audio and video results themselves.
 *
 * @param title the session's title
 * @param transcript the transcript, empty when there is none
 * @param notes the notes, empty when there are none
 * @param captions non-blank frame captions in order
 * @param audio the audio result, when the audio stage produced one
 * @param video the video result, when the video stage produced one
 */
record SummaryInput(String title, Transcript transcript, String notes, List<String> captions,
        @Nullable AudioAnalysis audio, @Nullable VideoAnalysis video) {

    SummaryInput {
        captions = List.copyOf(captions);
    }

    /** Load the input of a stage context: the session's texts are read from the store, off the event loop. */
    static Mono<SummaryInput> load(StageContext context) {
        return Mono.zip(context.notes().defaultIfEmpty(""), context.transcript().defaultIfEmpty(""))
                .map(function((notes, transcript) -> of(context, notes, transcript)));
    }

    /**
     * Return the input when it is known without reading the store (the session's texts are short enough to be
     * held whole, or absent), else empty.
     */
    static Optional<SummaryInput> known(StageContext context) {
        SessionText notes = context.session().notes();
        SessionText transcript = context.session().transcript();
        if ((notes != null && notes.isStored()) || (transcript != null && transcript.isStored())) {
            return Optional.empty();
        }
        return Optional.of(of(context, notes == null ? "" : notes.preview(),
                transcript == null ? "" : transcript.preview()));
    }

    private static SummaryInput of(StageContext context, String notes, String rawTranscript) {
        AudioAnalysis audio = context.useful(AudioAnalysis.class).orElse(null);
        VideoAnalysis video = context.useful(VideoAnalysis.class).orElse(null);
        Transcript transcript = TranscriptParser.parse(rawTranscript);
        if (transcript.isEmpty() && audio != null) {
            transcript = Transcript.of(audio.transcript());
        }
        List<String> captions = video == null ? List.of()
                : video.captions().stream().filter(c -> !c.isBlank()).map(String::strip).toList();
        return new SummaryInput(context.session().title(), transcript, notes, captions, audio, video);
    }

    /** Return true when there is any text to summarise. */
    boolean hasText() {
        return !transcript.isEmpty() || !captions.isEmpty() || notes.codePoints().anyMatch(Character::isLetterOrDigit);
    }

    /** Return true when there is neither text nor an audio or video result: nothing to summarise. */
    boolean isEmpty() {
        return !hasText() && audio == null && video == null;
    }
}
