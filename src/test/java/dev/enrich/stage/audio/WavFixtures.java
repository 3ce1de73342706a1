package dev.enrich.stage.audio;

import dev.enrich.pipeline.StageContext;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Make WAV fixtures in code, streamed on demand so long ones never sit in memory. */
public final class WavFixtures {

    private WavFixtures() {}

    /** Give the value of a mono signal, -1..1, at a sample frame. */
    @FunctionalInterface
    public interface Signal {
        double at(long frame);
    }

    /**
     * Describe a WAV layout: 8-bit is unsigned (as WAV defines it), wider integers signed little-endian, and
     * {@code floating} means 32-bit IEEE float.
     */
    public record Format(int rate, int channels, int bits, boolean floating) {

        /** Return 16-bit mono integer PCM at {@code rate}. */
        public static Format mono16(int rate) {
            return new Format(rate, 1, 16, false);
        }

        int frameBytes() {
            return channels * bits / 8;
        }
    }

    /** Return a whole WAV in memory. */
    public static byte[] bytes(Format format, double seconds, Signal signal) {
        try (InputStream in = stream(format, seconds, signal)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Write a WAV to {@code path}, streamed. */
    public static Path write(Path path, Format format, double seconds, Signal signal) throws IOException {
        try (InputStream in = stream(format, seconds, signal)) {
            Files.copy(in, path, StandardCopyOption.REPLACE_EXISTING);
        }
        return path;
    }

    /** Return a WAV as a stream that synthesises its samples as they are read, in fixed memory. */
    public static InputStream stream(Format format, double seconds, Signal signal) {
        long frames = Math.round(seconds * format.rate());
        long dataBytes = frames * format.frameBytes();
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes))
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        header.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) (format.floating() ? 3 : 1)).putShort((short) format.channels())
                .putInt(format.rate()).putInt(format.rate() * format.frameBytes())
                .putShort((short) format.frameBytes()).putShort((short) format.bits());
        header.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        return new SynthStream(header.array(), format, frames, signal);
    }

    /** Return silence. */
    public static Signal silence() {
        return frame -> 0;
    }

    /**
     * Return tone bursts over low background noise: a {@code hz} sine at {@code amplitude} inside each
     * {start, end} span (seconds, 5 ms raised-cosine edges), plus uniform noise at {@code noiseRms}.
     */
    public static Signal bursts(int rate, double[][] spans, double amplitude, double hz, double noiseRms) {
        double ramp = 0.005;
        Signal noise = noise(noiseRms, 42);
        return frame -> {
            double t = frame / (double) rate;
            double v = noise.at(frame);
            for (double[] span : spans) {
                if (t >= span[0] && t < span[1]) {
                    double edge = Math.min(1, Math.min(t - span[0], span[1] - t) / ramp);
                    double gain = 0.5 - 0.5 * Math.cos(Math.PI * edge);
                    v += gain * amplitude * Math.sin(2 * Math.PI * hz * t);
                }
            }
            return v;
        };
    }

    /**
     * Return a repeating pattern: {@code onSeconds} of a 220 Hz tone at {@code amplitude} every {@code periodSeconds},
     * over noise at {@code noiseRms}; cheap enough for hours of audio.
     */
    public static Signal pulses(int rate, double onSeconds, double periodSeconds, double amplitude, double noiseRms) {
        long on = Math.round(onSeconds * rate);
        long period = Math.round(periodSeconds * rate);
        double step = 2 * Math.PI * 220 / rate;
        Signal noise = noise(noiseRms, 7);
        return frame -> noise.at(frame) + (frame % period < on ? amplitude * Math.sin(step * frame) : 0);
    }

    /** Return a stage context for a one-audio session whose media store opens {@code audio} for any key. */
    public static StageContext context(Callable<InputStream> audio) {
        Session session = new Session("session-1", "tenant-1", "Audio test", null, null,
                List.of(new MediaRef(MediaKind.AUDIO, "audio-1", 0, "audio/wav", "audio.wav")), Instant.EPOCH);
        MediaStore store = new MediaStore() {
            @Override
            public Mono<Stored> store(String tenant, String sessionId, Flux<DataBuffer> content, long maxBytes) {
                return Mono.error(new UnsupportedOperationException("read-only test store"));
            }

            @Override
            public InputStream open(String key) throws IOException {
                try {
                    return audio.call();
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }

            @Override
            public Mono<Void> deleteSession(String tenant, String sessionId) {
                return Mono.empty();
            }
        };
        return new StageContext("job-1", session, Map.of(), store);
    }

    /** Return deterministic uniform white noise with the given RMS; the same frame always gives the same value. */
    public static Signal noise(double rms, long seed) {
        double half = rms * Math.sqrt(3);
        return frame -> {
            long z = (frame + seed) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return half * ((z >>> 11) * 0x1.0p-53 * 2 - 1);
        };
    }

    /** Synthesise PCM bytes into one reused buffer as the reader asks for them. */
    private static final class SynthStream extends InputStream {
        private final byte[] header;
        private final Format format;
        private final long frames;
        private final Signal signal;
        private final byte[] buffer;
        private final ByteBuffer out;
        private int headerPos;
        private long frame;
        private int bufferPos;
        private int bufferLen;

        SynthStream(byte[] header, Format format, long frames, Signal signal) {
            this.header = header;
            this.format = format;
            this.frames = frames;
            this.signal = signal;
            this.buffer = new byte[4096 * format.frameBytes()];
            this.out = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (headerPos < header.length) {
                int n = Math.min(len, header.length - headerPos);
                System.arraycopy(header, headerPos, b, off, n);
                headerPos += n;
                return n;
            }
            if (bufferPos == bufferLen && !fill()) {
                return -1;
            }
            int n = Math.min(len, bufferLen - bufferPos);
            System.arraycopy(buffer, bufferPos, b, off, n);
            bufferPos += n;
            return n;
        }

        private boolean fill() {
            int n = (int) Math.min(4096, frames - frame);
            if (n <= 0) {
                return false;
            }
            out.clear();
            for (int i = 0; i < n; i++, frame++) {
                double v = Math.max(-1, Math.min(1, signal.at(frame)));
                for (int c = 0; c < format.channels(); c++) {
                    put(v);
                }
            }
            bufferPos = 0;
            bufferLen = out.position();
            return true;
        }

        private void put(double v) {
            if (format.floating()) {
                out.putFloat((float) v);
                return;
            }
            long max = (1L << (format.bits() - 1)) - 1;
            long code = Math.max(-max - 1, Math.min(max, Math.round(v * (max + 1))));
            switch (format.bits()) {
                case 8 -> out.put((byte) (code + 128));
                case 16 -> out.putShort((short) code);
                case 24 -> out.put((byte) code).put((byte) (code >> 8)).put((byte) (code >> 16));
                case 32 -> out.putInt((int) code);
                default -> throw new IllegalArgumentException("bits must be 8, 16, 24 or 32, but was "
                        + format.bits());
            }
        }
    }
}
