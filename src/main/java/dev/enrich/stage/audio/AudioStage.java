package dev.enrich.stage.audio;

import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import reactor.core.publisher.Flux;

/**
 * Analyse a session's PCM WAV audio, streamed in chunks with {@code javax.sound.sampled}: duration, format,
 * loudness (RMS dBFS) and peak. One progress update per chunk; stops between chunks when cancelled.
 */
public final class AudioStage implements Stage {

    private static final int CHUNK_FRAMES = 16_384;

    @Override
    public Optional<String> missingInput(StageContext context) {
        return context.session().first(MediaKind.AUDIO).isPresent()
                ? Optional.empty() : Optional.of("No audio in this session.");
    }

    @Override
    public Flux<StageUpdate> run(StageContext context) {
        MediaRef audio = context.session().first(MediaKind.AUDIO).orElseThrow();
        return Flux.using(() -> open(context, audio), this::analyse, Decoder::close);
    }

    private Decoder open(StageContext context, MediaRef ref) throws IOException, UnsupportedAudioFileException {
        InputStream raw = new BufferedInputStream(context.media().open(ref.key()));
        try {
            return new Decoder(AudioSystem.getAudioInputStream(raw));
        } catch (IOException | UnsupportedAudioFileException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private Flux<StageUpdate> analyse(Decoder d) {
        return Flux.generate(sink -> {
            try {
                if (d.step()) {
                    sink.next(StageUpdate.progress(d.fraction(), "Analyzing audio..."));
                } else {
                    sink.next(StageUpdate.done(StageResult.succeeded(StageName.AUDIO, d.result())));
                    sink.complete();
                }
            } catch (IOException e) {
                sink.error(e);
            }
        });
    }

    /** Decode PCM in chunks and accumulate loudness; one instance per run. */
    private static final class Decoder {
        private final AudioInputStream in;
        private final AudioFormat format;
        private final int bytesPerSample;
        private final byte[] buffer;
        private final long totalFrames;
        private long frames;
        private double sumSquares;
        private double peak;

        Decoder(AudioInputStream in) throws UnsupportedAudioFileException {
            this.in = in;
            this.format = in.getFormat();
            AudioFormat.Encoding enc = format.getEncoding();
            if (!AudioFormat.Encoding.PCM_SIGNED.equals(enc) && !AudioFormat.Encoding.PCM_UNSIGNED.equals(enc)) {
                throw new UnsupportedAudioFileException("not PCM: " + enc);
            }
            this.bytesPerSample = Math.max(1, format.getSampleSizeInBits() / 8);
            this.buffer = new byte[CHUNK_FRAMES * Math.max(1, format.getFrameSize())];
            this.totalFrames = in.getFrameLength();
        }

        boolean step() throws IOException {
            int read = in.readNBytes(buffer, 0, buffer.length);
            if (read <= 0) {
                return false;
            }
            int samples = read / bytesPerSample;
            for (int i = 0; i < samples; i++) {
                double v = sample(i * bytesPerSample);
                sumSquares += v * v;
                peak = Math.max(peak, Math.abs(v));
            }
            frames += read / Math.max(1, format.getFrameSize());
            return true;
        }

        private double sample(int offset) {
            boolean big = format.isBigEndian();
            long v = 0;
            for (int b = 0; b < bytesPerSample; b++) {
                int index = big ? offset + b : offset + bytesPerSample - 1 - b;
                v = (v << 8) | (buffer[index] & 0xff);
            }
            int bits = bytesPerSample * 8;
            if (AudioFormat.Encoding.PCM_UNSIGNED.equals(format.getEncoding())) {
                v -= 1L << (bits - 1);
            } else if ((v & (1L << (bits - 1))) != 0) {
                v -= 1L << bits;
            }
            return v / (double) (1L << (bits - 1));
        }

        double fraction() {
            return totalFrames > 0 ? Math.min(1.0, (double) frames / totalFrames) : 0;
        }

        Map<String, Object> result() {
            long samples = frames * format.getChannels();
            double rms = samples == 0 ? 0 : Math.sqrt(sumSquares / samples);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("durationSeconds", frames / (double) format.getFrameRate());
            out.put("sampleRate", (int) format.getSampleRate());
            out.put("channels", format.getChannels());
            out.put("bitsPerSample", format.getSampleSizeInBits());
            out.put("rmsDbfs", dbfs(rms));
            out.put("peakDbfs", dbfs(peak));
            return out;
        }

        private static double dbfs(double level) {
            return level <= 0 ? -120.0 : Math.max(-120.0, Math.round(200 * Math.log10(level)) / 10.0);
        }

        void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing a read-only stream; nothing to recover
            }
        }
    }
}
