package dev.enrich.pipeline;

import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.Session;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Say how long the media each stage works on is, from the lengths a session's media carry (read at upload). */
public final class MediaLengths {

    private MediaLengths() {}

    /**
     * Return the length of the media each stage works on, where the session knows it: the audio and video stages
     * their file's, the summary and canvas the longest recording's (what they read grows with it). A stage missing
     * from the map works on media of unknown length.
     */
    public static Map<StageName, Duration> of(Session session) {
        Map<StageName, Duration> lengths = new EnumMap<>(StageName.class);
        Optional<Duration> audio = session.first(MediaKind.AUDIO).map(MediaRef::length);
        Optional<Duration> video = session.first(MediaKind.VIDEO).map(MediaRef::length);
        audio.ifPresent(d -> lengths.put(StageName.AUDIO, d));
        video.ifPresent(d -> lengths.put(StageName.VIDEO, d));
        Stream.of(audio, video).flatMap(Optional::stream).max(Comparator.naturalOrder()).ifPresent(longest -> {
            lengths.put(StageName.SUMMARY, longest);
            lengths.put(StageName.CANVAS, longest);
        });
        return Collections.unmodifiableMap(lengths);
    }

    /**
     * Return what the stages whose cost depends on it read, by the kinds of recording the session has: the summary
     * and canvas read an audio transcript ({@code audio}), a video's chapters ({@code video}) or both
     * ({@code audio+video}), whose lengths differ a lot for the same media length. Empty for a session with neither
     * (notes and screenshots only), and the audio and video stages are never in it.
     */
    public static Map<StageName, String> inputs(Session session) {
        boolean audio = session.first(MediaKind.AUDIO).isPresent();
        boolean video = session.first(MediaKind.VIDEO).isPresent();
        if (!audio && !video) {
            return Map.of();
        }
        String input = audio && video ? MediaKind.AUDIO.wire() + "+" + MediaKind.VIDEO.wire()
                : (audio ? MediaKind.AUDIO : MediaKind.VIDEO).wire();
        return Map.of(StageName.SUMMARY, input, StageName.CANVAS, input);
    }
}
