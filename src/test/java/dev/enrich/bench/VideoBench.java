package dev.enrich.bench;

import dev.enrich.model.VideoAnalysis;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.stage.video.VideoFixtures;
import dev.enrich.stage.video.VideoStage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jcodec.api.specific.AVCMP4Adaptor;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Measure the video stage on a generated 720p30 H.264 clip: the whole stage (sampling at 1 fps) and a plain full
 * decode of every frame, both on the calling thread, reported as frames per second and multiples of real time.
 *
 * <p>Run: {@code ./mvnw -B -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.enrich.bench.VideoBench} (optional {@code -Dbench.seconds=20 -Dbench.gop=60 -Dbench.runs=3};
 * prefix {@code taskset -c 0} to pin to one core). The clip is cached under {@code target/bench-video/}; encoding it
 * is not timed. With {@code -Dbench.file=clip.mp4} it measures that clip instead (bench/video-speed.sh makes one with
 * ffmpeg), {@code -Dbench.decode=false} leaves out jcodec's full decode and {@code -Dbench.decodeRuns=n} times it
 * in the last n runs only. Each run also prints a {@code RESULT}
 * line for scripts.
 */
public final class VideoBench {

    private static final int WIDTH = 1280;
    private static final int HEIGHT = 720;
    private static final int FPS = 30;

    private VideoBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 20);
        int gop = Integer.getInteger("bench.gop", 60);
        int runs = Integer.getInteger("bench.runs", 3);
        String file = System.getProperty("bench.file");
        boolean fullDecode = Boolean.parseBoolean(System.getProperty("bench.decode", "true"));
        // jcodec's full decode only in the last runs (default: all)
        int decodeRuns = Integer.getInteger("bench.decodeRuns", runs);
        Path clip = file != null ? Path.of(file) : clip(seconds, gop);
        if (file == null) {
            System.out.printf("clip: %s (%dx%d, %d fps, %d s, key frame every %d frames, %.1f MB), %d cores visible%n",
                    clip.getFileName(), WIDTH, HEIGHT, FPS, seconds, gop, Files.size(clip) / 1e6,
                    Runtime.getRuntime().availableProcessors());
        }
        for (int run = 1; run <= runs; run++) {
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            StageUpdate.Done done = runStage(clip);
            double stage = (System.nanoTime() - t0) / 1e9;
            double stageCpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
            VideoAnalysis data = done.result().data(VideoAnalysis.class).orElseThrow();
            double length = data.durationSeconds() != null ? data.durationSeconds() : seconds;
            System.out.printf("run %d: stage %.2f s = %.2fx real time (%s sampled frames, %s cuts at %s)%n", run,
                    stage, length / stage, data.sampledFrames(), data.sceneChanges().size(), data.sceneChanges());
            double decode = Double.NaN;
            double decodeCpu = Double.NaN;
            int frames = 0;
            if (fullDecode && run > runs - decodeRuns) {
                c0 = threads.getCurrentThreadCpuTime();
                t0 = System.nanoTime();
                frames = decodeAll(clip);
                decode = (System.nanoTime() - t0) / 1e9;
                decodeCpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
                System.out.printf("run %d: jcodec full decode %d frames in %.2f s = %.1f fps = %.2fx real time%n", run,
                        frames, decode, frames / decode, length / decode);
            }
            System.out.printf(java.util.Locale.ROOT, "RESULT run=%d length=%.3f stage=%.3f stage_cpu=%.3f decode=%.3f decode_cpu=%.3f cuts=%d%n",
                    run, length, stage, stageCpu, decode, decodeCpu, data.sceneChanges().size());
        }
    }

    private static Path clip(int seconds, int gop) throws IOException {
        Path dir = Path.of("target", "bench-video");
        Files.createDirectories(dir);
        Path clip = dir.resolve("clip-720p30-" + seconds + "s-gop" + gop + ".mp4");
        if (!Files.exists(clip)) {
            System.out.println("encoding the benchmark clip once (not timed; a few minutes on a slow machine)...");
            Path partial = dir.resolve(clip.getFileName() + ".partial");
            VideoFixtures.encodeMp4(partial, WIDTH, HEIGHT, FPS, seconds * FPS, gop,
                    VideoFixtures.scenes(seconds * FPS / 4));
            Files.move(partial, clip);
        }
        return clip;
    }

    private static StageUpdate.Done runStage(Path clip) throws IOException {
        Path thumbnails = Files.createTempDirectory("video-bench");
        MediaStore store = new FileStore(clip, thumbnails);
        Session session = new Session("bench", "bench", "Bench", null, null,
                List.of(new MediaRef(MediaKind.VIDEO, "clip", Files.size(clip), "video/mp4", "clip.mp4")),
                Instant.now());
        // Subscribed on this thread: everything runs on one thread, as on the stage scheduler.
        List<StageUpdate> updates = new VideoStage().run(new StageContext("bench", session, Map.of(), store))
                .collectList().block();
        return (StageUpdate.Done) updates.get(updates.size() - 1);
    }

    private static int decodeAll(Path clip) throws IOException {
        try (var channel = NIOUtils.readableChannel(clip.toFile())) {
            DemuxerTrack track = MP4Demuxer.createMP4Demuxer(channel).getVideoTrack();
            H264Decoder decoder = H264Decoder.createH264DecoderFromCodecPrivate(track.getMeta().getCodecPrivate());
            byte[][] buffer = new AVCMP4Adaptor(track.getMeta()).allocatePicture();
            int frames = 0;
            Packet packet;
            while ((packet = track.nextFrame()) != null) {
                decoder.decodeFrame(packet.getData(), buffer);
                frames++;
            }
            return frames;
        }
    }

    /** Serve the clip under any key and keep thumbnails in a temporary directory. */
    private record FileStore(Path clip, Path thumbnails) implements MediaStore {
        @Override
        public Mono<Stored> store(String tenant, String sessionId, Flux<DataBuffer> content, long maxBytes) {
            return Mono.error(new UnsupportedOperationException());
        }

        @Override
        public InputStream open(String key) throws IOException {
            return Files.newInputStream(clip);
        }

        @Override
        public SeekableByteChannel openChannel(String key) throws IOException {
            return Files.newByteChannel(clip, StandardOpenOption.READ);
        }

        @Override
        public OutputStream createDerived(String tenant, String sessionId, String name) throws IOException {
            return Files.newOutputStream(thumbnails.resolve(name));
        }

        @Override
        public Mono<Void> deleteSession(String tenant, String sessionId) {
            return Mono.empty();
        }
    }
}
