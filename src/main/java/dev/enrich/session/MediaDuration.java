package dev.enrich.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Read the playing time of stored media from its container header, without reading the samples: a WAV's
 * {@code fmt }/{@code data} chunk headers, an MP4's movie header ({@code moov/mvhd}, wherever the {@code moov} box
 * sits). Only a few small reads at known offsets, so it is cheap over ranged reads (S3) too. Blocking I/O: call it on
 * a bounded scheduler, never on an event loop.
 */
public final class MediaDuration {

    private static final int MAX_CHUNKS = 64;
    private static final int MAX_BOXES = 1024;
    private static final int RIFF = 0x46464952;
    private static final int WAVE = 0x45564157;
    private static final int FMT = 0x20746d66;
    private static final int DATA = 0x61746164;
    private static final int MOOV = 0x6d6f6f76;
    private static final int MVHD = 0x6d766864;

    private MediaDuration() {}

    /**
     * Return the playing time of media in format {@code format} ({@link MediaSniffer#format}: {@code wav} or
     * {@code mp4}); empty for other formats and for content that does not say.
     *
     * @throws IOException when the channel cannot be read
     */
    public static Optional<Duration> of(String format, SeekableByteChannel channel) throws IOException {
        double seconds = switch (format) {
            case "wav" -> wavSeconds(channel);
            case "mp4" -> mp4Seconds(channel);
            default -> -1;
        };
        return seconds > 0 && Double.isFinite(seconds)
                ? Optional.of(Duration.ofNanos(Math.round(seconds * 1e9))) : Optional.empty();
    }

    /** Return a WAV's duration in seconds from its header, or -1 when it is not a readable WAV. */
    public static double wavSeconds(SeekableByteChannel channel) throws IOException {
        ByteBuffer riff = read(channel, 0, 12, ByteOrder.LITTLE_ENDIAN);
        if (riff == null || riff.getInt(0) != RIFF || riff.getInt(8) != WAVE) {
            return -1;
        }
        long byteRate = -1;
        long position = 12;
        for (int i = 0; i < MAX_CHUNKS; i++) {
            ByteBuffer chunk = read(channel, position, 8, ByteOrder.LITTLE_ENDIAN);
            if (chunk == null) {
                return -1;
            }
            int id = chunk.getInt(0);
            long size = Integer.toUnsignedLong(chunk.getInt(4));
            if (id == FMT) {
                ByteBuffer fmt = read(channel, position + 8, 16, ByteOrder.LITTLE_ENDIAN);
                byteRate = fmt == null ? -1 : Integer.toUnsignedLong(fmt.getInt(8));
            } else if (id == DATA) {
                // Streamed WAVs may carry a placeholder size; the file length bounds it.
                long available = Math.max(0, channel.size() - position - 8);
                long dataBytes = size == 0 || size == 0xFFFFFFFFL ? available : Math.min(size, available);
                return byteRate > 0 ? (double) dataBytes / byteRate : -1;
            }
            position += 8 + size + (size & 1);
        }
        return -1;
    }

    /** Return an MP4's duration in seconds from its movie header, or -1 when there is none. */
    public static double mp4Seconds(SeekableByteChannel channel) throws IOException {
        long end = channel.size();
        Box moov = find(channel, 0, end, MOOV);
        Box mvhd = moov == null ? null : find(channel, moov.body(), moov.end(), MVHD);
        if (mvhd == null) {
            return -1;
        }
        ByteBuffer head = read(channel, mvhd.body(), 1, ByteOrder.BIG_ENDIAN);
        if (head == null) {
            return -1;
        }
        boolean wide = head.get(0) == 1;
        // version, flags, creation and modification times, then the time scale and the duration
        ByteBuffer times = read(channel, mvhd.body() + (wide ? 20 : 12), wide ? 12 : 8, ByteOrder.BIG_ENDIAN);
        if (times == null) {
            return -1;
        }
        long scale = Integer.toUnsignedLong(times.getInt(0));
        long duration = wide ? times.getLong(4) : Integer.toUnsignedLong(times.getInt(4));
        // all ones: "unknown" in the format
        boolean unknown = wide ? duration == -1 : duration == 0xFFFFFFFFL;
        return scale == 0 || unknown || duration < 0 ? -1 : (double) duration / scale;
    }

    // The first box of type `type` among the boxes laid one after another in [from, to).
    private static @Nullable Box find(SeekableByteChannel channel, long from, long to, int type) throws IOException {
        long position = from;
        for (int i = 0; i < MAX_BOXES && position + 8 <= to; i++) {
            ByteBuffer header = read(channel, position, 8, ByteOrder.BIG_ENDIAN);
            if (header == null) {
                return null;
            }
            long size = Integer.toUnsignedLong(header.getInt(0));
            int headerBytes = 8;
            if (size == 1) {
                ByteBuffer large = read(channel, position + 8, 8, ByteOrder.BIG_ENDIAN);
                if (large == null) {
                    return null;
                }
                size = large.getLong(0);
                headerBytes = 16;
            } else if (size == 0) {
                size = to - position;
            }
            if (size < headerBytes || position + size > to) {
                return null;
            }
            if (header.getInt(4) == type) {
                return new Box(position + headerBytes, position + size);
            }
            position += size;
        }
        return null;
    }

    private static @Nullable ByteBuffer read(SeekableByteChannel channel, long position, int length, ByteOrder order)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(order);
        channel.position(position);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                return null;
            }
        }
        return buffer.flip();
    }

    private record Box(long body, long end) {}
}
