package dev.enrich.stage.audio;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Cut stored audio into consecutive 16-bit PCM mono WAV files, streamed: decoded and converted with
 * {@code javax.sound.sampled} (stereo mixed down, rates above 16 kHz resampled to 16 kHz, which is all speech
 * recognition uses), read once from start to end. Chunks must come in time order. Blocking. Closing (from any
 * thread, e.g. on cancellation) waits for a chunk being written, then deletes every chunk file not deleted yet; no
 * chunk can be written after that.
 */
final class WavChunkWriter implements Closeable {

    static final int HEADER_BYTES = 44;
    private static final int BYTES_PER_FRAME = 2;
    private static final float MAX_RATE = 16_000;

    /** Hold one written chunk file and the SHA-256 of its bytes. */
    record Written(Path file, double startSeconds, double endSeconds, String sha256) {}

    private final AudioInputStream in;
    private final Path dir;
    private final Set<Path> files = new LinkedHashSet<>();
    private final byte[] buffer = new byte[64 * 1024];
    private long position;
    private boolean closed;

    private WavChunkWriter(AudioInputStream in, Path dir) {
        this.in = in;
        this.dir = dir;
    }

    /**
     * Open stored audio for cutting; closes {@code raw} when it cannot be decoded.
     *
     * @param dir where chunk files are created
     */
    static WavChunkWriter open(InputStream raw, Path dir) throws IOException, UnsupportedAudioFileException {
        try {
            AudioInputStream in = AudioSystem.getAudioInputStream(new BufferedInputStream(raw));
            AudioFormat source = in.getFormat();
            if (!AudioFormat.Encoding.PCM_SIGNED.equals(source.getEncoding())
                    && !AudioFormat.Encoding.PCM_UNSIGNED.equals(source.getEncoding())
                    && !AudioFormat.Encoding.PCM_FLOAT.equals(source.getEncoding())) {
                // mu-law and A-law decode to 16-bit PCM first; the converter below takes it from there.
                in = AudioSystem.getAudioInputStream(pcm16(source.getSampleRate(), source.getChannels()), in);
            }
            AudioFormat target = pcm16(Math.min(MAX_RATE, in.getFormat().getSampleRate()), 1);
            if (!target.matches(in.getFormat())) {
                if (!AudioSystem.isConversionSupported(target, in.getFormat())) {
                    throw new UnsupportedAudioFileException("cannot convert " + source + " to " + target);
                }
                in = AudioSystem.getAudioInputStream(target, in);
            }
            return new WavChunkWriter(in, dir);
        } catch (IOException | UnsupportedAudioFileException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static AudioFormat pcm16(float rate, int channels) {
        return new AudioFormat(rate, 16, channels, true, false);
    }

    /** Return the most frames a chunk file of at most {@code maxBytes} can hold. */
    static long maxFrames(long maxBytes) {
        return (maxBytes - HEADER_BYTES) / BYTES_PER_FRAME;
    }

    /** Return the frame rate of the written files. */
    int rate() {
        return Math.round(in.getFormat().getSampleRate());
    }

    /**
     * Write frames {@code [startFrame, endFrame)} to a new file; fewer when the audio ends sooner.
     *
     * @throws IllegalArgumentException when the chunk starts before the end of the previous one
     */
    synchronized Written write(long startFrame, long endFrame) throws IOException {
        if (closed) {
            throw new IOException("the chunk writer is closed");
        }
        if (startFrame < position) {
            throw new IllegalArgumentException("chunks must come in order: frame " + startFrame + " is before "
                    + position);
        }
        skip(startFrame - position);
        Path file = Files.createTempFile(dir, "enrich-chunk-", ".wav");
        files.add(file);
        MessageDigest digest = sha256();
        long dataBytes = 0;
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = new DigestOutputStream(raw, digest)) {
            raw.write(new byte[HEADER_BYTES]);
            long remaining = (endFrame - startFrame) * BYTES_PER_FRAME;
            while (remaining > 0) {
                int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n <= 0) {
                    break;
                }
                out.write(buffer, 0, n);
                remaining -= n;
                dataBytes += n;
            }
        }
        position = startFrame + dataBytes / BYTES_PER_FRAME;
        byte[] header = header(dataBytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(header), 0);
        }
        // The digest has seen the samples; add the header so that equal files give equal hashes.
        digest.update(header);
        int rate = rate();
        return new Written(file, startFrame / (double) rate, position / (double) rate,
                HexFormat.of().formatHex(digest.digest()));
    }

    /** Delete a chunk file written before. */
    synchronized void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
        files.remove(file);
    }

    private void skip(long frames) throws IOException {
        long bytes = frames * BYTES_PER_FRAME;
        while (bytes > 0) {
            long skipped = in.skip(bytes);
            if (skipped <= 0) {
                // Converted streams may not skip; read and drop instead.
                skipped = in.read(buffer, 0, (int) Math.min(buffer.length, bytes));
                if (skipped < 0) {
                    break;
                }
            }
            bytes -= skipped;
            position += skipped / BYTES_PER_FRAME;
        }
    }

    private byte[] header(long dataBytes) {
        int rate = rate();
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes))
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * BYTES_PER_FRAME).putShort((short) BYTES_PER_FRAME).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        return b.array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Close the audio and delete the chunk files still there. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        IOException failure = null;
        try {
            in.close();
        } catch (IOException e) {
            failure = e;
        }
        for (Path file : Set.copyOf(files)) {
            try {
                delete(file);
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
