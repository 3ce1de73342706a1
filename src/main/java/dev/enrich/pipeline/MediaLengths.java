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
}
