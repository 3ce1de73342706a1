package dev.enrich.stage.video;

import dev.enrich.model.Chapter;
import dev.enrich.model.VideoAnalysis;
import dev.enrich.session.Thumbnails;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Analyse a video one sampled frame at a time: frame-to-frame distance, scene changes, chapters with key frames and
 * the activity timeline. Scene changes of a video come from all its decoded frames ({@link CutDetector}); those of
 * screenshots, which have nothing in between, from the sampled frames alone ({@link SceneDetector}). Not thread-safe; driven by one {@code Flux.generate} loop.
 */
final class VideoAnalyzer implements Closeable {

    static final int MAX_ACTIVITY_POINTS = 3_600;
    static final int MAX_SCENE_CHANGES = 2_000;

    private final FrameSource source;
    private final VideoSettings settings;
    private final SceneDetector detector;
    private final CutDetector cuts;
    private final Chapters chapters;
    private final List<Double> sceneChanges = new ArrayList<>();
    private final List<Double> activity = new ArrayList<>();
    private @Nullable FrameSignature previous;
    private double lastSeconds;
    private int width;
    private int height;

    VideoAnalyzer(FrameSource source, VideoSettings settings, Chapters.KeyFrameSink sink) {
        this.source = source;
        this.settings = settings;
        this.detector = new SceneDetector(settings.cutFloor(), settings.cutSensitivity(), settings.historyFrames());
        this.cuts = CutDetector.tuned();
        this.chapters = new Chapters(settings.minChapterSeconds(), settings.maxChapters(), sink);
    }

    /** Analyse the next sampled frame; return false when there are no more. */
    boolean step() throws IOException {
        FrameSource.SampledFrame frame = source.next();
        if (frame == null) {
            return false;
        }
        FrameSignature current = frame.signature();
        double seconds = frame.seconds();
        double change = 0;
        if (previous == null) {
            width = frame.width();
            height = frame.height();
            activity.add(0.0);
        } else {
            change = previous.distance(current);
            activity.add(previous.meanAbsDifference(current));
            if (frame.decoded().isEmpty() && detector.isCut(change)) {
                sceneChange(seconds);
            }
        }
        for (FrameSource.Decoded d : frame.decoded()) {
            cuts.add(d.seconds(), d.signature());
        }
        cuts.poll(false).forEach(this::sceneChange);
        chapters.frame(change, () -> source.thumbnail(settings.thumbnailWidth()));
        previous = current;
        lastSeconds = seconds;
        return true;
    }

    // Frame-level cuts arrive a little after the sample that shows the new scene; they are kept in time order.
    private void sceneChange(double seconds) {
        int i = sceneChanges.size();
        while (i > 0 && sceneChanges.get(i - 1) > seconds) {
            i--;
        }
        sceneChanges.add(i, seconds);
        chapters.sceneChange(seconds);
    }

    /** Return how far the analysis is, 0..1. */
    double progress() {
        return source.progress();
    }

    /**
     * Close the last chapter and return the result.
     *
     * @throws IOException when no frame could be sampled at all
     */
    VideoAnalysis result(String sessionId) throws IOException {
        if (activity.isEmpty()) {
            throw new IOException("the video has no frames");
        }
        for (FrameSource.Decoded d : source.trailing()) {
            cuts.add(d.seconds(), d.signature());
        }
        // Cuts found only now have no sampled frame after them: the last decoded frame is their chapter's key frame.
        for (double cut : cuts.poll(true)) {
            sceneChange(cut);
            chapters.frame(0, () -> source.thumbnail(settings.thumbnailWidth()));
        }
        double duration = source.durationSeconds();
        double end = Double.isNaN(duration) ? lastSeconds + sampleSpacing() : duration;
        List<Double> changes = sceneChanges.size() > MAX_SCENE_CHANGES
                ? sceneChanges.subList(0, MAX_SCENE_CHANGES) : sceneChanges;
        List<Chapter> list = new ArrayList<>();
        for (Chapters.Chapter c : chapters.finish(end)) {
            list.add(new Chapter(c.index(), ms(c.start()), ms(c.end()),
                    c.thumbnail() ? Thumbnails.path(sessionId, c.index()) : null));
        }
        int step = (activity.size() + MAX_ACTIVITY_POINTS - 1) / MAX_ACTIVITY_POINTS;
        return new VideoAnalysis(source.kind(), Double.isNaN(duration) ? null : ms(duration), activity.size(), width,
                height, changes.stream().map(VideoAnalyzer::ms).toList(), changes.size() < sceneChanges.size(), list,
                chapters.truncated(), activityPoints(step), step > 1 ? ms(step * sampleSpacing()) : null, List.of());
    }

    // Downsample long timelines by taking the peak of each group, so short bursts of motion stay visible.
    private List<Double> activityPoints(int step) {
        List<Double> points = new ArrayList<>();
        for (int i = 0; i < activity.size(); i += step) {
            double peak = 0;
            for (int j = i; j < Math.min(activity.size(), i + step); j++) {
                peak = Math.max(peak, activity.get(j));
            }
            points.add(Math.round(Math.min(1, peak) * 1000) / 1000.0);
        }
        return points;
    }

    private double sampleSpacing() {
        return source.kind() == VideoAnalysis.Source.FRAMES
                ? settings.frameIntervalSeconds() : 1 / settings.sampleFps();
    }

    private static double ms(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
