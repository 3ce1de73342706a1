package dev.enrich.stage.video;

import dev.enrich.ai.AiCache;
import dev.enrich.ai.AiCall;
import dev.enrich.ai.AiProvider;
import dev.enrich.ai.ChatRequest;
import dev.enrich.config.AiProperties;
import dev.enrich.model.Chapter;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.Session;
import dev.enrich.session.Thumbnails;
import dev.enrich.stage.ai.AiFallback;
import dev.enrich.stage.ai.AiText;
import dev.enrich.stage.ai.LocalFirstAiStage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Caption the chapter key frames of the local video result with the vision model. Decorates the local video stage.
 *
 * <p>Runs the local stage first (its progress scaled to 0..0.7); its result is the fallback. Then reads the key frames
 * of up to {@code maxFrames} chapters (spread evenly over the chapters that have one), downscales them to at most 512
 * pixels wide and asks the vision model for one caption per image, {@link AiProperties#maxImagesPerCall()} images per
 * call, one call after another (progress 0.7..1.0). The same images with the same prompt are not sent twice in a job
 * ({@link AiCache} kind {@code "captions"}, keyed by the request hash, which covers the image bytes).
 *
 * <p>On success the result adds {@code captions} (strings in chapter order, at most 200 characters each) and a
 * {@code caption} to each captioned chapter, with path {@code ai}. When a call fails or its reply is not valid, the
 * local result is kept, DEGRADED, path {@code local}, with a friendly message (see {@link AiFallback}). When the
 * provider is disabled, or no chapter has a key frame, the result is the local one.
 */
public final class AiCaptionStage extends LocalFirstAiStage {

    static final String UNREACHABLE_MESSAGE = "Couldn't reach the AI service — no captions this time.";
    static final String ACTIVITY = "Describing key frames...";
    static final double LOCAL_SHARE = AiFallback.LOCAL_SHARE;
    static final int MAX_IMAGE_WIDTH = 512;
    /** Captions for a dozen chapters are plenty for a summary. */
    public static final int DEFAULT_MAX_FRAMES = 12;

    private static final String SYSTEM_PROMPT = "You caption key frames of a recorded work session: screen "
            + "recordings, slides, documents, terminals. Reply with a JSON object only.";

    private static final Logger log = LoggerFactory.getLogger(AiCaptionStage.class);

    private final int imagesPerCall;
    private final int maxFrames;
    private final JsonMapper json;

    /**
     * Create the decorator captioning up to {@link #DEFAULT_MAX_FRAMES} key frames.
     *
     * @param json the application's mapper, which reads the model's replies
     */
    public AiCaptionStage(Stage local, AiProvider provider, AiCache cache, AiProperties properties, JsonMapper json) {
        this(local, provider, cache, properties, DEFAULT_MAX_FRAMES, json);
    }

    /**
     * Create the decorator.
     *
     * @param maxFrames the most key frames captioned per video, > 0
     * @param json the application's mapper, which reads the model's replies
     * @throws IllegalArgumentException when {@code maxFrames} is not positive
     */
    public AiCaptionStage(Stage local, AiProvider provider, AiCache cache, AiProperties properties, int maxFrames,
            JsonMapper json) {
        super(local, provider, cache);
        if (maxFrames <= 0) {
            throw new IllegalArgumentException("maxFrames must be > 0, but was " + maxFrames);
        }
        this.imagesPerCall = properties.maxImagesPerCall();
        this.maxFrames = maxFrames;
        this.json = json;
    }

    @Override
    protected Flux<StageUpdate> improve(StageContext context, StageResult basic) {
        return basic.state().isUseful() ? caption(context, basic) : Flux.just(StageUpdate.done(basic));
    }

    private Flux<StageUpdate> caption(StageContext context, StageResult localResult) {
        VideoAnalysis video = localResult.data(VideoAnalysis.class).orElseThrow();
        List<Integer> chosen = choose(video.chapters());
        if (chosen.isEmpty()) {
            return Flux.just(StageUpdate.done(localResult));
        }
        AiCall call = call(context, StageName.VIDEO);
        Flux<StageUpdate> ai = Mono.fromCallable(() -> keyFrames(context, chosen))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapMany(frames -> {
                    if (frames.isEmpty()) {
                        return Flux.just(StageUpdate.done(localResult));
                    }
                    List<List<KeyFrame>> groups = groups(frames);
                    Map<Integer, String> captions = new LinkedHashMap<>();
                    return Flux.fromIterable(groups)
                            .concatMap(group -> captionGroup(call, group).doOnNext(captions::putAll))
                            .index((i, captioned) -> StageUpdate.progress(
                                    LOCAL_SHARE + (1 - LOCAL_SHARE) * (i + 1) / groups.size(), ACTIVITY))
                            .concatWith(Mono.fromSupplier(
                                    () -> StageUpdate.done(merged(localResult, video, captions))));
                });
        return Flux.concat(Mono.just(StageUpdate.progress(LOCAL_SHARE, ACTIVITY)),
                ai.onErrorResume(e -> Mono.just(StageUpdate.done(
                        AiFallback.fallback(context, localResult, e, UNREACHABLE_MESSAGE)))));
    }

    /** Caption one group of key frames; return captions by chapter index. */
    private Mono<Map<Integer, String>> captionGroup(AiCall call, List<KeyFrame> group) {
        List<byte[]> pngs = group.stream().map(KeyFrame::png).toList();
        ChatRequest request = request(pngs);
        return chatOnce(call, "captions", request,
                content -> CaptionReply.parse(AiText.readObject(json, content), pngs.size()))
                .map(captions -> {
                    Map<Integer, String> byChapter = new LinkedHashMap<>();
                    for (int i = 0; i < group.size(); i++) {
                        byChapter.put(group.get(i).chapter(), captions.get(i));
                    }
                    return byChapter;
                });
    }

    private static ChatRequest request(List<byte[]> pngs) {
        int n = pngs.size();
        String ask = "Describe each of these " + n + (n == 1 ? " image" : " images") + " in one short sentence "
                + "(at most 20 words): what is on screen and what is being done. Return {\"captions\": [\"...one per "
                + "image in order\"]} with exactly " + n + (n == 1 ? " string." : " strings.");
        return new ChatRequest(ChatRequest.Task.VISION, List.of(ChatRequest.Message.of("system", SYSTEM_PROMPT),
                new ChatRequest.Message("user", ask, pngs)), true, 60 * n + 40);
    }

    /** Return the {@code index} of up to {@code maxFrames} chapters with a key frame, spread over the video. */
    private List<Integer> choose(List<Chapter> chapters) {
        List<Integer> withFrame = chapters.stream().filter(c -> c.thumbnail() != null).map(Chapter::index).toList();
        if (withFrame.size() <= maxFrames) {
            return withFrame;
        }
        // First and last included, the rest evenly between.
        List<Integer> spread = new ArrayList<>(maxFrames);
        for (int k = 0; k < maxFrames; k++) {
            int at = maxFrames == 1 ? 0 : (int) Math.round((double) k * (withFrame.size() - 1) / (maxFrames - 1));
            spread.add(withFrame.get(at));
        }
        return spread;
    }

    /** Read, downscale and encode key frames; a frame that cannot be read is left out. Blocking. */
    private static List<KeyFrame> keyFrames(StageContext context, List<Integer> chapters) throws IOException {
        Session session = context.session();
        List<KeyFrame> frames = new ArrayList<>();
        for (int index : chapters) {
            BufferedImage image;
            try (InputStream in = context.media().openDerived(session.tenant(), session.id(),
                    Thumbnails.fileName(index))) {
                image = Images.read(in);
            } catch (NoSuchFileException | UnsupportedOperationException e) {
                image = null;
            }
            if (image == null) {
                log.debug("No readable key frame for chapter {} of session {}", index, session.id());
                continue;
            }
            BufferedImage small = image.getWidth() > MAX_IMAGE_WIDTH
                    ? Images.scaleToWidth(image, MAX_IMAGE_WIDTH) : image;
            frames.add(new KeyFrame(index, Images.png(small)));
        }
        return frames;
    }

    private List<List<KeyFrame>> groups(List<KeyFrame> frames) {
        List<List<KeyFrame>> groups = new ArrayList<>();
        for (int i = 0; i < frames.size(); i += imagesPerCall) {
            groups.add(frames.subList(i, Math.min(frames.size(), i + imagesPerCall)));
        }
        return groups;
    }

    private static StageResult merged(StageResult localResult, VideoAnalysis video, Map<Integer, String> captions) {
        List<Chapter> chapters = new ArrayList<>();
        List<String> list = new ArrayList<>();
        for (Chapter chapter : video.chapters()) {
            String caption = captions.get(chapter.index());
            if (caption == null || caption.isEmpty()) {
                chapters.add(chapter);
            } else {
                chapters.add(chapter.withCaption(caption));
                list.add(caption);
            }
        }
        return localResult.with(video.withCaptions(chapters, list), "ai");
    }

    /**
     * Hold one key frame ready to send.
     *
     * @param chapter the chapter's {@code index}
     * @param png the image, at most {@link #MAX_IMAGE_WIDTH} pixels wide
     */
    private record KeyFrame(int chapter, byte[] png) {}
}
