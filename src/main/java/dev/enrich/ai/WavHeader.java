package dev.enrich.ai;

import dev.enrich.session.MediaDuration;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Read the duration of a RIFF/WAVE file from its header, without reading the samples (blocking I/O). */
public final class WavHeader {

    private WavHeader() {}

    /** Return the duration in seconds, or -1 when the file is not a readable WAV; throws when it cannot be read. */
    public static double seconds(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return MediaDuration.wavSeconds(channel);
        }
    }
}
