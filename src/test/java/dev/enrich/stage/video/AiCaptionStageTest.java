package dev.enrich.stage.video;

import static dev.enrich.stage.audio.AiMediaFixtures.result;
import static dev.enrich.stage.summary.AiStageFixtures.replying;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.fake.FakeOpenAiServer;
import dev.enrich.config.AiProperties;
import dev.enrich.model.Chapter;
import dev.enrich.model.StageOutput;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageState;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.stage.ai.AiText;
import dev.enrich.stage.audio.AiMediaFixtures;
import dev.enrich.testing.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;

class AiCaptionStageTest {

    private static final String DATA_URL = "data:image/png;base64,";

    @TempDir
    Path dir;

    private FakeOpenAiServer server;
    private AiCache cache;

    @BeforeEach
    void start() {
        server = FakeOpenAiServer.start();
        cache = new AiCache(100);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void captionsEveryChapterKeyFrameInOneCall() throws IOException {
        StageContext context = VideoFixtures.threeScenes(dir, 640);

        List<StageUpdate> updates = AiMediaFixtures.run(stage(properties(4)), context);

        StageResult result = result(updates);
        List<Chapter> chapters = chapters(result.data());
        assertThat(chapters).hasSize(3).allSatisfy(c -> assertThat(c.thumbnail()).isNotNull());
        assertThat(chapters).extracting(Chapter::caption)
                .containsExactly(captions(result.data()).toArray(String[]::new))
                .allSatisfy(c -> assertThat(c).isNotBlank().hasSizeLessThanOrEqualTo(200));
        assertThat(captions(result.data())).extracting(c -> c.substring(0, "Frame 1:".length()))
                .containsExactly("Frame 1:", "Frame 2:", "Frame 3:");
        assertThat(video(result.data()).activity()).hasSize(video(result.data()).sampledFrames());

        assertThat(server.requests()).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/v1/chat/completions");
            JsonNode body = request.json();
            assertThat(body.path("response_format").path("type").asString()).isEqualTo("json_object");
            List<String> urls = imageUrls(body);
            assertThat(urls).hasSize(3).allSatisfy(url -> assertThat(url).startsWith(DATA_URL));
            // The thumbnails as stored, in chapter order.
            for (int i = 0; i < 3; i++) {
                assertThat(image(urls.get(i)).getWidth()).isEqualTo(320);
            }
        });
    }

    @Test
    void sendsAtMostTheConfiguredNumberOfImagesPerCall() throws IOException {
        StageResult result = result(AiMediaFixtures.run(stage(properties(2)), VideoFixtures.threeScenes(dir, 640)));

        assertThat(result.path()).isEqualTo("ai");
        assertThat(server.requests()).extracting(r -> imageUrls(r.json()).size()).containsExactly(2, 1);
        assertThat(chapters(result.data())).allSatisfy(c -> assertThat(c.caption()).isNotNull());
        assertThat(captions(result.data())).extracting(c -> c.substring(0, "Frame 1:".length()))
                .containsExactly("Frame 1:", "Frame 2:", "Frame 1:");
    }

    @Test
    void downscalesWideKeyFramesTo512Pixels() throws IOException {
        VideoSettings wide = new VideoSettings(1.0, 1.0, 2.0, 100, 800, 0.15, 6.0, 30);
        AiProperties properties = properties(4);
        AiCaptionStage stage = new AiCaptionStage(new VideoStage(wide), AiMediaFixtures.provider(properties), cache,
                properties, Json.mapper());

        assertThat(result(AiMediaFixtures.run(stage, VideoFixtures.threeScenes(dir, 1280))).path()).isEqualTo("ai");

        assertThat(imageUrls(server.lastRequest().json())).allSatisfy(url -> {
            BufferedImage image = image(url);
            assertThat(image.getWidth()).isEqualTo(512);
            assertThat(image.getHeight()).isEqualTo(288);
        });
    }

    @Test
    void tooFewCaptionsKeepTheLocalResult() throws IOException {
        AiProperties properties = properties(4);
        AiProvider terse = replying(AiMediaFixtures.provider(properties), "{\"captions\": [\"Only one.\"]}");
        AiCaptionStage stage = new AiCaptionStage(new VideoStage(), terse, cache, properties, Json.mapper());

        StageResult result = result(AiMediaFixtures.run(stage, VideoFixtures.threeScenes(dir, 640)));

        assertThat(result.path()).isEqualTo("local");
        assertThat(result.state()).isEqualTo(StageState.DEGRADED);
        assertThat(captions(result.data())).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void captionsAtMostTheConfiguredNumberOfKeyFrames() throws IOException {
        AiProperties properties = properties(4);
        AiCaptionStage stage = new AiCaptionStage(new VideoStage(), AiMediaFixtures.provider(properties), cache,
                properties, 2, Json.mapper());

        StageResult result = result(AiMediaFixtures.run(stage, VideoFixtures.threeScenes(dir, 640)));

        assertThat(imageUrls(server.lastRequest().json())).hasSize(2);
        assertThat(chapters(result.data())).extracting(c -> c.caption() != null)
                .containsExactly(true, false, true);
    }

    @Test
    void captionRepliesAreCheckedAndCleaned() {
        assertThat(captions("{\"captions\": [\" A\\u0007 slide\\n about  sales \", \"\", \"extra\"]}", 2))
                .containsExactly("A slide about sales", "");
        assertThat(captions("{\"captions\": [\"" + "x".repeat(500) + "\"]}", 1).get(0)).hasSize(200);
        assertThatThrownBy(() -> captions("{\"captions\": [\"one\"]}", 2))
                .isInstanceOf(AiText.InvalidReply.class).hasMessage("1 captions for 2 images");
        assertThatThrownBy(() -> captions("{\"captions\": [1, 2]}", 2)).isInstanceOf(AiText.InvalidReply.class);
        assertThatThrownBy(() -> captions("[\"a\"]", 1)).isInstanceOf(AiText.InvalidReply.class);
        assertThatThrownBy(() -> captions("not json", 1)).isInstanceOf(AiText.InvalidReply.class);
    }

    @Test
    void settingsSayWhatIsWrong() {
        AiProperties properties = properties(4);
        assertThatThrownBy(() -> new AiCaptionStage(new VideoStage(), AiMediaFixtures.provider(properties), cache,
                properties, 0, Json.mapper())).hasMessage("maxFrames must be > 0, but was 0");
    }

    // --- helpers

    private static List<String> captions(String reply, int expected) {
        return CaptionReply.parse(AiText.readObject(Json.mapper(), reply), expected);
    }

    private AiProperties properties(int imagesPerCall) {
        return new AiProperties(server.baseUrl(), "test-key", AiProperties.Models.defaults(), Duration.ofSeconds(5),
                Duration.ofSeconds(60), DataSize.ofMegabytes(24), imagesPerCall);
    }

    private AiCaptionStage stage(AiProperties properties) {
        return new AiCaptionStage(new VideoStage(), AiMediaFixtures.provider(properties), cache, properties,
                Json.mapper());
    }

    private static List<String> imageUrls(JsonNode body) {
        List<String> urls = new ArrayList<>();
        for (JsonNode message : body.path("messages")) {
            for (JsonNode part : message.path("content")) {
                if ("image_url".equals(part.path("type").asString(""))) {
                    urls.add(part.path("image_url").path("url").asString());
                }
            }
        }
        return urls;
    }

    private static BufferedImage image(String dataUrl) throws IOException {
        byte[] png = Base64.getDecoder().decode(dataUrl.substring(DATA_URL.length()));
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    private static VideoAnalysis video(@Nullable StageOutput data) {
        return (VideoAnalysis) Objects.requireNonNull(data);
    }

    private static List<Chapter> chapters(@Nullable StageOutput data) {
        return video(data).chapters();
    }

    private static List<String> captions(@Nullable StageOutput data) {
        return video(data).captions();
    }
}
