package dev.enrich.stage.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.enrich.backend.local.LocalDirectoryMediaStore;
import dev.enrich.model.Chapter;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.Thumbnails;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class VideoStageTest {

    private static final int FPS = 10;
    private static final int SCENE_SECONDS = 3;
    private static final List<Double> CUTS = List.of(3.0, 6.0, 9.0);
    private static final String TENANT = "acme";

    @TempDir
    static Path dir;

    static Path scenesMp4;
    static Path cursorMp4;
    static Path scrollMp4;

    private final VideoStage stage = new VideoStage();

    @BeforeAll
    static void encodeFixtures() throws IOException {
        scenesMp4 = dir.resolve("scenes.mp4");
        VideoFixtures.encodeMp4(scenesMp4, 320, 180, FPS, 4 * SCENE_SECONDS * FPS, 25,
                VideoFixtures.scenes(SCENE_SECONDS * FPS));
        cursorMp4 = dir.resolve("cursor.mp4");
        VideoFixtures.encodeMp4(cursorMp4, 320, 180, FPS, 10 * FPS, 25, VideoFixtures.blinkingCursor(FPS));
        scrollMp4 = dir.resolve("scroll.mp4");
        VideoFixtures.encodeMp4(scrollMp4, 320, 180, FPS, 10 * FPS, 25, VideoFixtures.scrollingLine(2));
    }

    @Test
    void findsEveryHardCutInAnMp4WithinOneSampledFrame() throws IOException {
        Fixture f = mp4(scenesMp4);
        VideoAnalysis data = succeed(f);

        assertThat(data).extracting(VideoAnalysis::source, VideoAnalysis::width, VideoAnalysis::height)
                .containsExactly(VideoAnalysis.Source.MP4, 320, 180);
        assertThat(data.durationSeconds()).isCloseTo(12.0, within(0.01));
        assertCutsNear(data.sceneChanges(), 1.0);
        assertThat(data.sampledFrames()).isBetween(12, 13);
        assertThat(data.activity()).hasSize(data.sampledFrames())
                .allSatisfy(a -> assertThat(a).isBetween(0.0, 1.0));
    }

    @Test
    void savesOneThumbnailPerChapterServedByPath() throws IOException {
        Fixture f = mp4(scenesMp4);
        List<Chapter> chapters = chapters(succeed(f));

        assertThat(chapters).hasSize(4);
        assertThat(chapters.get(0)).isEqualTo(
                new Chapter(0, 0.0, chapters.get(0).end(), "/api/v1/sessions/" + f.session.id() + "/thumbnails/0"));
        assertThat(chapters.get(3).end()).isEqualTo(12.0);
        for (int i = 0; i < chapters.size(); i++) {
            try (InputStream in = f.store.openDerived(TENANT, f.session.id(), Thumbnails.fileName(i))) {
                BufferedImage png = ImageIO.read(in);
                assertThat(png.getWidth()).isEqualTo(320);
                assertThat(png.getHeight()).isEqualTo(180);
            }
        }
        // The second chapter is the white document: its key frame must be bright.
        try (InputStream in = f.store.openDerived(TENANT, f.session.id(), Thumbnails.fileName(1))) {
            int rgb = ImageIO.read(in).getRGB(300, 10);
            assertThat((rgb >> 16) & 0xff).isGreaterThan(200);
        }
    }

    @Test
    void blinkingCursorProducesNoCuts() throws IOException {
        VideoAnalysis data = succeed(mp4(cursorMp4));

        assertThat(data.sceneChanges()).isEmpty();
        assertThat(chapters(data)).hasSize(1);
    }

    @Test
    void slowlyScrollingLineProducesNoCuts() throws IOException {
        VideoAnalysis data = succeed(mp4(scrollMp4));

        assertThat(data.sceneChanges()).isEmpty();
        assertThat(data.activity().subList(1, 10)).allSatisfy(a -> assertThat(a).isPositive());
    }

    @Test
    void samplesAtTheConfiguredRate() throws IOException {
        VideoAnalysis data = succeed(new VideoStage(VideoSettings.defaults().withSampleFps(2)), mp4(scenesMp4));

        assertThat(data.sampledFrames()).isBetween(24, 25);
        assertCutsNear(data.sceneChanges(), 0.5);
    }

    @Test
    void reportsProgressForEverySampledFrameThenOneResult() throws IOException {
        List<StageUpdate> updates = run(stage, mp4(scenesMp4));

        List<StageUpdate.Progress> progress = updates.stream().filter(StageUpdate.Progress.class::isInstance)
                .map(StageUpdate.Progress.class::cast).toList();
        StageUpdate last = updates.get(updates.size() - 1);
        assertThat(last).isInstanceOf(StageUpdate.Done.class);
        assertThat(progress).hasSize(
                ((StageUpdate.Done) last).result().data(VideoAnalysis.class).orElseThrow().sampledFrames());
        assertThat(progress).allSatisfy(p -> assertThat(p.message()).isEqualTo("Analyzing video..."));
        double previous = 0;
        for (StageUpdate.Progress p : progress) {
            assertThat(p.fraction()).isBetween(previous, 1.0);
            previous = p.fraction();
        }
    }

    @Test
    void mergesChaptersShorterThanTheMinimum() throws IOException {
        VideoStage patient = new VideoStage(VideoSettings.defaults().withMinChapterSeconds(4));
        VideoAnalysis data = succeed(patient, mp4(scenesMp4));

        assertThat(data.sceneChanges()).hasSize(3);
        assertThat(chapters(data)).extracting(Chapter::start).containsExactly(0.0, 6.0);
        assertThat(chapters(data)).extracting(Chapter::end).containsExactly(6.0, 12.0);
    }

    @Test
    void findsEveryCutInAScreenshotSequence() throws IOException {
        List<BufferedImage> shots = new ArrayList<>();
        for (int second = 0; second < 4 * SCENE_SECONDS; second++) {
            shots.add(VideoFixtures.image(640, 360, second * FPS, VideoFixtures.scenes(SCENE_SECONDS * FPS)));
        }
        Fixture f = screenshots(shots, "png");
        VideoAnalysis data = succeed(f);

        assertThat(data).extracting(VideoAnalysis::source, VideoAnalysis::sampledFrames, VideoAnalysis::width,
                VideoAnalysis::durationSeconds).containsExactly(VideoAnalysis.Source.FRAMES, 12, 640, 12.0);
        assertThat(data.sceneChanges()).containsExactlyElementsOf(CUTS);
        assertThat(chapters(data)).hasSize(4).allSatisfy(c -> assertThat(c.thumbnail()).isNotNull());
    }

    @Test
    void blinkingCursorScreenshotsInJpegProduceNoCuts() throws IOException {
        List<BufferedImage> shots = new ArrayList<>();
        for (int second = 0; second < 10; second++) {
            // Half-second steps catch the cursor both on and off.
            shots.add(VideoFixtures.image(320, 180, second * FPS / 2, VideoFixtures.blinkingCursor(FPS)));
        }
        VideoAnalysis data = succeed(screenshots(shots, "jpg"));

        assertThat(data.sceneChanges()).isEmpty();
        assertThat(chapters(data)).hasSize(1);
    }

    @Test
    void randomBytesNamedMp4FailTheStage() throws IOException {
        byte[] noise = new byte[64 * 1024];
        new Random(7).nextBytes(noise);
        expectFailure(mp4(write("noise.mp4", noise)));
    }

    @Test
    void emptyMp4FailsTheStage() throws IOException {
        expectFailure(mp4(write("empty.mp4", new byte[0])));
    }

    @Test
    void truncatedMp4FailsTheStage() throws IOException {
        byte[] whole = Files.readAllBytes(scenesMp4);
        expectFailure(mp4(write("truncated.mp4", java.util.Arrays.copyOf(whole, whole.length / 2))));
    }

    @Test
    void randomBytesAsAScreenshotFailTheStage() throws IOException {
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        Fixture f = new Fixture(new LocalDirectoryMediaStore(Files.createTempDirectory(dir, "store")));
        expectFailure(f.with(MediaKind.FRAMES, write("noise.png", noise)));
    }

    @Test
    void cancellingStopsDecodingAndClosesTheVideo() throws IOException {
        AtomicInteger open = new AtomicInteger();
        Fixture f = mp4(scenesMp4);
        MediaStore counting = new CountingStore(f.store, open);
        StageContext context = new StageContext("job", f.session, Map.of(), counting);

        StepVerifier.create(stage.run(context).subscribeOn(Schedulers.boundedElastic()), 2)
                .expectNextCount(2)
                .thenCancel()
                .verify(Duration.ofSeconds(30));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(open).hasValue(0));
    }

    @Test
    void skipsASessionWithoutVideo() {
        Session empty = new Session("s", TENANT, "t", null, null, List.of(), Instant.EPOCH);
        StageContext context = new StageContext("job", empty, Map.of(), new CountingStore(null, new AtomicInteger()));

        assertThat(stage.missingInput(context)).contains("No video or screenshots in this session.");
    }

    @Test
    void settingsSayWhatIsWrong() {
        assertThatThrownBy(() -> VideoSettings.defaults().withSampleFps(-1))
                .hasMessage("sampleFps must be > 0, but was -1.0");
        assertThatThrownBy(() -> VideoSettings.defaults().withMinChapterSeconds(Double.NaN))
                .hasMessage("minChapterSeconds must be >= 0, but was NaN");
        assertThatThrownBy(() -> new VideoSettings(1, 1, 2, 100, 8, 0.15, 6, 30))
                .hasMessage("thumbnailWidth must be in 16..1920, but was 8");
    }

    // --- helpers

    private static void assertCutsNear(List<Double> found, double tolerance) {
        assertThat(found).hasSameSizeAs(CUTS);
        for (int i = 0; i < CUTS.size(); i++) {
            assertThat(found.get(i)).isCloseTo(CUTS.get(i), within(tolerance + 1e-9));
        }
    }

    private VideoAnalysis succeed(Fixture f) {
        return succeed(stage, f);
    }

    private static VideoAnalysis succeed(VideoStage stage, Fixture f) {
        List<StageUpdate> updates = run(stage, f);
        StageResult result = ((StageUpdate.Done) updates.get(updates.size() - 1)).result();
        assertThat(result.state()).isEqualTo(StageState.SUCCEEDED);
        assertThat(result.stage()).isEqualTo(StageName.VIDEO);
        return result.data(VideoAnalysis.class).orElseThrow();
    }

    private static List<StageUpdate> run(VideoStage stage, Fixture f) {
        return stage.run(f.context()).subscribeOn(Schedulers.boundedElastic()).collectList()
                .block(Duration.ofSeconds(60));
    }

    private void expectFailure(Fixture f) {
        StepVerifier.create(stage.run(f.context()).subscribeOn(Schedulers.boundedElastic())
                        .filter(StageUpdate.Done.class::isInstance))
                .expectError()
                .verify(Duration.ofSeconds(20));
    }

    private static List<Chapter> chapters(VideoAnalysis data) {
        return data.chapters();
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        return Files.write(Files.createTempDirectory(dir, "in").resolve(name), bytes);
    }

    private static Fixture mp4(Path file) throws IOException {
        Fixture f = new Fixture(new LocalDirectoryMediaStore(Files.createTempDirectory(dir, "store")));
        return f.with(MediaKind.VIDEO, file);
    }

    private static Fixture screenshots(List<BufferedImage> images, String format) throws IOException {
        Fixture f = new Fixture(new LocalDirectoryMediaStore(Files.createTempDirectory(dir, "store")));
        Path in = Files.createTempDirectory(dir, "shots");
        for (int i = 0; i < images.size(); i++) {
            Path file = in.resolve(i + "." + format);
            assertThat(ImageIO.write(images.get(i), format, file.toFile())).isTrue();
            f = f.with(MediaKind.FRAMES, file);
        }
        return f;
    }

    /** A session whose media live in a real local-directory store. */
    private static final class Fixture {
        final MediaStore store;
        final Session session;

        Fixture(MediaStore store) {
            this(store, new Session("session-" + System.nanoTime(), TENANT, "Demo", null, null, List.of(),
                    Instant.EPOCH));
        }

        private Fixture(MediaStore store, Session session) {
            this.store = store;
            this.session = session;
        }

        Fixture with(MediaKind kind, Path file) {
            MediaStore.Stored stored = store.store(TENANT, session.id(),
                    DataBufferUtils.read(file, DefaultDataBufferFactory.sharedInstance, 8192), Long.MAX_VALUE)
                    .block(Duration.ofSeconds(10));
            List<MediaRef> media = new ArrayList<>(session.media());
            media.add(new MediaRef(kind, stored.key(), stored.size(), null, file.getFileName().toString()));
            return new Fixture(store, new Session(session.id(), TENANT, session.title(), null, null, media,
                    session.createdAt()));
        }

        StageContext context() {
            return new StageContext("job", session, Map.of(), store);
        }
    }

    /** Count open video channels, to prove cancellation closes them. */
    private record CountingStore(MediaStore delegate, AtomicInteger open) implements MediaStore {
        @Override
        public reactor.core.publisher.Mono<Stored> store(String tenant, String sessionId,
                Flux<org.springframework.core.io.buffer.DataBuffer> content, long maxBytes) {
            return delegate.store(tenant, sessionId, content, maxBytes);
        }

        @Override
        public InputStream open(String key) throws IOException {
            return delegate.open(key);
        }

        @Override
        public SeekableByteChannel openChannel(String key) throws IOException {
            SeekableByteChannel channel = delegate.openChannel(key);
            open.incrementAndGet();
            return new java.nio.channels.SeekableByteChannel() {
                public int read(java.nio.ByteBuffer dst) throws IOException { return channel.read(dst); }
                public int write(java.nio.ByteBuffer src) throws IOException { return channel.write(src); }
                public long position() throws IOException { return channel.position(); }
                public SeekableByteChannel position(long p) throws IOException { channel.position(p); return this; }
                public long size() throws IOException { return channel.size(); }
                public SeekableByteChannel truncate(long s) throws IOException { channel.truncate(s); return this; }
                public boolean isOpen() { return channel.isOpen(); }
                public void close() throws IOException {
                    if (channel.isOpen()) {
                        open.decrementAndGet();
                    }
                    channel.close();
                }
            };
        }

        @Override
        public java.io.OutputStream createDerived(String tenant, String sessionId, String name) throws IOException {
            return delegate.createDerived(tenant, sessionId, name);
        }

        @Override
        public reactor.core.publisher.Mono<Void> deleteSession(String tenant, String sessionId) {
            return delegate.deleteSession(tenant, sessionId);
        }
    }
}
