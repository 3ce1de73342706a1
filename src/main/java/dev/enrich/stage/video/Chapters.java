package dev.enrich.stage.video;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Cut the timeline into chapters at scene changes, online: a change that would close a chapter shorter than the
 * minimum is ignored (the short piece joins the next chapter), and a short last chapter joins the one before. Each
 * chapter's key frame is the steadiest of its first few sampled frames; it is saved when the chapter closes, so at
 * most one thumbnail image is held at a time.
 */
final class Chapters {

    /** Save a chapter's key frame; return false when it could not be saved. */
    @FunctionalInterface
    interface KeyFrameSink {
        boolean save(int index, BufferedImage image);
    }

    /** Describe a closed chapter. */
    record Chapter(int index, double start, double end, boolean thumbnail) {}

    private static final int KEY_WINDOW = 3;

    private final double minSeconds;
    private final int maxChapters;
    private final KeyFrameSink sink;
    private final List<Chapter> closed = new ArrayList<>();
    private double start;
    private int framesInChapter;
    private @Nullable BufferedImage key;
    private double keyChange;
    private boolean truncated;

    Chapters(double minSeconds, int maxChapters, KeyFrameSink sink) {
        this.minSeconds = minSeconds;
        this.maxChapters = maxChapters;
        this.sink = sink;
    }

    /** Note a scene change at {@code seconds}; call it before {@link #frame} for the frame at that time. */
    void sceneChange(double seconds) {
        if (seconds - start < minSeconds) {
            return;
        }
        if (closed.size() + 1 >= maxChapters) {
            truncated = true;
            return;
        }
        close(seconds);
        start = seconds;
        framesInChapter = 0;
        key = null;
    }

    /** Count a sampled frame of the current chapter; {@code render} draws it when it may become the key frame. */
    void frame(double changeFromPrevious, Supplier<BufferedImage> render) {
        if (framesInChapter < KEY_WINDOW && (key == null || changeFromPrevious < keyChange)) {
            key = render.get();
            keyChange = changeFromPrevious;
        }
        framesInChapter++;
    }

    /** Close the last chapter at {@code end} seconds and return all chapters. */
    List<Chapter> finish(double end) {
        if (end - start < minSeconds && !closed.isEmpty()) {
            Chapter last = closed.remove(closed.size() - 1);
            closed.add(new Chapter(last.index(), last.start(), end, last.thumbnail()));
        } else {
            close(Math.max(end, start));
        }
        key = null;
        return List.copyOf(closed);
    }

    /** Return true when scene changes were left out because there were too many chapters. */
    boolean truncated() {
        return truncated;
    }

    private void close(double end) {
        int index = closed.size();
        BufferedImage image = key;
        boolean saved = image != null && sink.save(index, image);
        closed.add(new Chapter(index, start, end, saved));
    }
}
