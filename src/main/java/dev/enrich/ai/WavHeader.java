package dev.enrich.ai;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/** Read the duration of a RIFF/WAVE file from its header, without reading the samples (blocking I/O). */
public final class WavHeader {

    private static final int MAX_CHUNKS = 64;

    private WavHeader() {}

    /** Return the duration in seconds, or -1 when the file is not a readable WAV; throws when it cannot be read. */
    public static double seconds(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer riff = read(channel, 0, 12);
            if (riff == null || riff.getInt(0) != 0x46464952 || riff.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
                return -1;
            }
            long byteRate = -1;
            long position = 12;
            for (int i = 0; i < MAX_CHUNKS; i++) {
                ByteBuffer chunk = read(channel, position, 8);
                if (chunk == null) {
                    return -1;
                }
                int id = chunk.getInt(0);
                long size = Integer.toUnsignedLong(chunk.getInt(4));
                if (id == 0x20746d66) { // "fmt "
                    ByteBuffer fmt = read(channel, position + 8, 16);
                    byteRate = fmt == null ? -1 : Integer.toUnsignedLong(fmt.getInt(8));
                } else if (id == 0x61746164) { // "data"
                    // Streamed WAVs may carry a placeholder size; the file length bounds it.
                    long available = Math.max(0, channel.size() - position - 8);
                    long dataBytes = size == 0 || size == 0xFFFFFFFFL ? available : Math.min(size, available);
                    return byteRate > 0 ? (double) dataBytes / byteRate : -1;
                }
                position += 8 + size + (size & 1);
            }
            return -1;
        }
    }

    private static @Nullable ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                return null;
            }
        }
        return buffer.flip();
    }
}
