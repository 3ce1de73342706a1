package dev.enrich.stage.video;

import dev.enrich.pipeline.Stage;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import dev.enrich.session.Thumbnails;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Analyse a session's MP4 (H.264, decoded with jcodec and sampled at {@link VideoSettings#sampleFps}) or its
 * screenshot sequence: scene changes, chapters with a PNG key frame each (saved as derived files of the session and
 * served by the API), and an activity timeline. Screenshots win when a session has both. Emits one progress update
 * per sampled frame; corrupt or unsupported input ends the stage with an error (FAILED). Re-running rewrites the
 * thumbnails in place.
 *
 * <p>The result is a {@link dev.enrich.model.VideoAnalysis}: at most 2,000 scene changes, at most
 * {@link VideoSettings#maxChapters} chapters, and an activity timeline of at most 3,600 points (longer timelines keep
 * the peak of each group).
 */
public final class VideoStage implements Stage {

    private static final Logger log = LoggerFactory.getLogger(VideoStage.class);

    private final VideoSettings settings;

    /** Create the stage with {@link VideoSettings#defaults()}. */
    public VideoStage() {
        this(VideoSettings.defaults());
    }

    /** Create the stage with the given settings. */
    public VideoStage(VideoSettings settings) {
        this.settings = settings;
    }

    @Override
    public Optional<String> missingInput(StageContext context) {
        boolean any = !context.session().media(MediaKind.FRAMES).isEmpty()
                || context.session().first(MediaKind.VIDEO).isPresent();
        return any ? Optional.empty() : Optional.of("No video or screenshots in this session.");
    }

    @Override
    public Flux<StageUpdate> run(StageContext context) {
        Session session = context.session();
        String activity = StageName.VIDEO.activity();
        return Flux.<StageUpdate, VideoAnalyzer>generate(() -> open(context), (analysis, sink) -> {
            try {
                if (analysis.step()) {
                    sink.next(StageUpdate.progress(analysis.progress(), activity));
                } else {
                    sink.next(StageUpdate.done(StageResult.succeeded(StageName.VIDEO, analysis.result(session.id()))));
                    sink.complete();
                }
            } catch (IOException e) {
                sink.error(new UncheckedIOException(e));
            }
            return analysis;
        }, VideoStage::closeQuietly);
    }

    private VideoAnalyzer open(StageContext context) throws IOException {
        Session session = context.session();
        MediaStore media = context.media();
        List<MediaRef> frames = session.media(MediaKind.FRAMES);
        FrameSource source;
        if (!frames.isEmpty()) {
            source = new ScreenshotSource(media::open, frames.stream().map(MediaRef::key).toList(),
                    settings.frameIntervalSeconds());
        } else {
            MediaRef video = session.first(MediaKind.VIDEO)
                    .orElseThrow(() -> new IOException("no video or screenshots in the session"));
            source = Mp4FrameSource.open(media.openChannel(video.key()), settings.sampleFps());
        }
        return new VideoAnalyzer(source, settings, (index, image) -> save(media, session, index, image));
    }

    // A thumbnail is a nicety: when it cannot be stored the chapter simply has none.
    private static boolean save(MediaStore media, Session session, int index, BufferedImage image) {
        byte[] png = Images.png(image);
        try (OutputStream out = media.createDerived(session.tenant(), session.id(), Thumbnails.fileName(index))) {
            out.write(png);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("Could not store thumbnail {} of session {}: {}", index, session.id(), e.toString());
            return false;
        }
    }

    private static void closeQuietly(VideoAnalyzer analysis) {
        try {
            analysis.close();
        } catch (IOException e) {
            log.debug("Closing video input failed", e);
        }
    }
}
