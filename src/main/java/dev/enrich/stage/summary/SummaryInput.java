package dev.enrich.stage.summary;

import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.session.SessionText;
import dev.enrich.transcript.Transcript;
import dev.enrich.transcript.TranscriptParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Gather what the summary reads: the transcript (the uploaded one, else the one in the audio result), the notes,
 * the frame captions in the video result ({@code captions}: strings, or maps with a {@code text}) and the audio and
 * video facts.
 *
 * @param title the session's title
 * @param transcript the transcript, empty when there is none
 * @param notes the notes, empty when there are none
 * @param captions non-blank frame captions in order
 * @param facts structural facts from the audio and video results
 */
record SummaryInput(String title, Transcript transcript, String notes, List<String> captions, Facts facts) {

    SummaryInput {
        captions = List.copyOf(captions);
    }

    /** Load the input of a stage context: the session's texts are read from the store, off the event loop. */
    static Mono<SummaryInput> load(StageContext context) {
        return Mono.zip(context.notes().defaultIfEmpty(""), context.transcript().defaultIfEmpty(""))
                .map(texts -> of(context, texts.getT1(), texts.getT2()));
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
        Map<String, Object> audio = context.useful(StageName.AUDIO).map(StageResult::data).orElse(null);
        Map<String, Object> video = context.useful(StageName.VIDEO).map(StageResult::data).orElse(null);
        Transcript transcript = rawTranscript.isEmpty()
                ? Transcript.fromData(null) : TranscriptParser.parse(rawTranscript);
        if (transcript.isEmpty() && audio != null) {
            transcript = Transcript.fromData(audio.get("transcript"));
        }
        return new SummaryInput(context.session().title(), transcript, notes, captions(video),
                Facts.of(audio, video));
    }

    /** Return true when there is any text to summarise. */
    boolean hasText() {
        return !transcript.isEmpty() || !captions.isEmpty() || notes.codePoints().anyMatch(Character::isLetterOrDigit);
    }

    /** Return true when there is neither text nor a structural fact: nothing to summarise. */
    boolean isEmpty() {
        return !hasText() && facts.isEmpty();
    }

    private static List<String> captions(@Nullable Map<String, Object> video) {
        List<String> out = new ArrayList<>();
        if (video != null && video.get("captions") instanceof List<?> list) {
            for (Object item : list) {
                Object text = item instanceof Map<?, ?> m ? m.get("text") : item;
                if (text instanceof String s && !s.isBlank()) {
                    out.add(s.strip());
                }
            }
        }
        return out;
    }
}
