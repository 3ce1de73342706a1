package dev.enrich.stage.audio;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Decode PCM audio chunk by chunk into interleaved samples in -1..1, reusing one byte and one float buffer.
 *
 * <p>Reads integer PCM of 8 to 32 bits (signed or unsigned, either byte order) and 32-bit float; mu-law and A-law are
 * converted to 16-bit PCM by {@code javax.sound.sampled}. A stream that ends before the length its header declares
 * is an error.
 */
final class PcmDecoder implements Closeable {

    private static final int MIN_CHUNK_BYTES = 64 * 1024;
    private static final int MAX_CHUNK_BYTES = 256 * 1024;
    /** Aim for about this many chunks (and so progress updates) per file. */
    private static final int TARGET_CHUNKS = 200;

    private final AudioInputStream in;
    private final AudioFormat source;
    private final int bytesPerSample;
    private final int frameSize;
    private final boolean bigEndian;
    private final boolean floating;
    /** XOR mask for the most significant byte: turns unsigned samples into signed ones. */
    private final int signFlip;
    private final float scale;
    private final long expectedFrames;
    private final byte[] bytes;
    private final float[] samples;
    private long frames;

    private PcmDecoder(AudioInputStream in, AudioFormat source) throws UnsupportedAudioFileException {
        AudioFormat format = in.getFormat();
        AudioFormat.Encoding encoding = format.getEncoding();
        this.in = in;
        this.source = source;
        this.bytesPerSample = (format.getSampleSizeInBits() + 7) / 8;
        this.frameSize = format.getFrameSize();
        this.floating = AudioFormat.Encoding.PCM_FLOAT.equals(encoding);
        if (floating ? bytesPerSample != 4 : bytesPerSample < 1 || bytesPerSample > 4) {
            throw new UnsupportedAudioFileException("unsupported sample size: " + format);
        }
        if (frameSize != bytesPerSample * format.getChannels() || format.getSampleRate() <= 0) {
            throw new UnsupportedAudioFileException("unsupported frame layout: " + format);
        }
        this.bigEndian = format.isBigEndian();
        this.signFlip = AudioFormat.Encoding.PCM_UNSIGNED.equals(encoding) ? 0x80 : 0;
        this.scale = (float) Math.scalb(1.0, 1 - 8 * bytesPerSample);
        this.expectedFrames = in.getFrameLength();
        long expectedBytes = expectedFrames == AudioSystem.NOT_SPECIFIED ? 0 : expectedFrames * frameSize;
        long chunk = Math.max(MIN_CHUNK_BYTES, Math.min(MAX_CHUNK_BYTES, expectedBytes / TARGET_CHUNKS));
        this.bytes = new byte[(int) (chunk / frameSize * frameSize)];
        this.samples = new float[bytes.length / bytesPerSample];
    }

    /**
     * Open an audio stream; closes {@code raw} when it cannot be decoded.
     *
     * @throws UnsupportedAudioFileException when the content is not audio {@code javax.sound.sampled} can read as PCM
     * @throws IOException when reading fails or the stream is empty
     */
    static PcmDecoder open(InputStream raw) throws IOException, UnsupportedAudioFileException {
        try {
            AudioInputStream in = AudioSystem.getAudioInputStream(new BufferedInputStream(raw));
            AudioFormat source = in.getFormat();
            if (!isPcm(source.getEncoding())) {
                AudioFormat pcm = new AudioFormat(source.getSampleRate(), 16, source.getChannels(), true, false);
                if (!AudioSystem.isConversionSupported(pcm, source)) {
                    throw new UnsupportedAudioFileException("not PCM: " + source.getEncoding());
                }
                in = AudioSystem.getAudioInputStream(pcm, in);
            }
            return new PcmDecoder(in, source);
        } catch (IOException | UnsupportedAudioFileException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static boolean isPcm(AudioFormat.Encoding encoding) {
        return AudioFormat.Encoding.PCM_SIGNED.equals(encoding) || AudioFormat.Encoding.PCM_UNSIGNED.equals(encoding)
                || AudioFormat.Encoding.PCM_FLOAT.equals(encoding);
    }

    /** Return the format as stored, before any conversion. */
    AudioFormat source() {
        return source;
    }

    /** Return the number of frames the header declares, or -1 when it does not say. */
    long expectedFrames() {
        return expectedFrames;
    }

    /** Return the smallest absolute sample value that counts as clipped: 0.999, or the largest positive code. */
    float clipLevel() {
        return floating ? 0.999f : Math.min(0.999f, 1 - scale);
    }

    /** Return the buffer {@link #read} fills; valid up to the count it returns. */
    float[] samples() {
        return samples;
    }

    /**
     * Decode the next chunk into {@link #samples}.
     *
     * @return the number of samples decoded (whole frames only), or 0 at the end
     * @throws EOFException when the stream ends before the length its header declares
     */
    int read() throws IOException {
        int n = in.readNBytes(bytes, 0, bytes.length);
        int whole = n / frameSize * frameSize;
        if (whole == 0) {
            if (expectedFrames != AudioSystem.NOT_SPECIFIED && frames < expectedFrames) {
                throw new EOFException("audio ends after " + frames + " of " + expectedFrames + " frames");
            }
            return 0;
        }
        frames += whole / frameSize;
        int count = whole / bytesPerSample;
        decode(count);
        return count;
    }

    private void decode(int count) {
        byte[] b = bytes;
        float[] out = samples;
        int flip = signFlip;
        float s = scale;
        // One loop per layout keeps the per-sample work branch-free.
        switch (bytesPerSample * (bigEndian ? -1 : 1)) {
            case 1, -1 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = (byte) (b[i] ^ flip) * s;
                }
            }
            case 2 -> {
                for (int i = 0, j = 0; i < count; i++, j += 2) {
                    out[i] = (short) ((b[j] & 0xff) | ((b[j + 1] ^ flip) << 8)) * s;
                }
            }
            case -2 -> {
                for (int i = 0, j = 0; i < count; i++, j += 2) {
                    out[i] = (short) (((b[j] ^ flip) << 8) | (b[j + 1] & 0xff)) * s;
                }
            }
            case 3 -> {
                for (int i = 0, j = 0; i < count; i++, j += 3) {
                    out[i] = ((b[j] & 0xff) | ((b[j + 1] & 0xff) << 8) | ((byte) (b[j + 2] ^ flip) << 16)) * s;
                }
            }
            case -3 -> {
                for (int i = 0, j = 0; i < count; i++, j += 3) {
                    out[i] = (((byte) (b[j] ^ flip) << 16) | ((b[j + 1] & 0xff) << 8) | (b[j + 2] & 0xff)) * s;
                }
            }
            case 4 -> {
                for (int i = 0, j = 0; i < count; i++, j += 4) {
                    int v = (b[j] & 0xff) | ((b[j + 1] & 0xff) << 8) | ((b[j + 2] & 0xff) << 16)
                            | ((b[j + 3] ^ flip) << 24);
                    out[i] = floating ? Float.intBitsToFloat(v) : v * s;
                }
            }
            default -> {
                for (int i = 0, j = 0; i < count; i++, j += 4) {
                    int v = ((b[j] ^ flip) << 24) | ((b[j + 1] & 0xff) << 16) | ((b[j + 2] & 0xff) << 8)
                            | (b[j + 3] & 0xff);
                    out[i] = floating ? Float.intBitsToFloat(v) : v * s;
                }
            }
        }
    }

    /** Return how far through the declared length decoding is, 0..1 (0 when the length is unknown). */
    double fraction() {
        return expectedFrames > 0 ? Math.min(1.0, (double) frames / expectedFrames) : 0;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
