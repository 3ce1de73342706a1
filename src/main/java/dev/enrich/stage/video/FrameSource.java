package dev.enrich.stage.video;

import dev.enrich.model.VideoAnalysis;
import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Yield the sampled frames of a video, one at a time. Blocking. {@link #thumbnail} renders the frame last returned
 * by {@link #next} and is valid until the next call.
 */
interface FrameSource extends Closeable {

    /**
     * Describe one sampled frame.
     *
     * @param seconds when the frame is shown, from the start
     * @param signature its signature for comparison
     * @param width its width in pixels
     * @param height its height in pixels
     * @param decoded every frame decoded since the previous sample, this one included, in decoding order; empty
     *     when the source has no frames between its samples (screenshots)
     */
    record SampledFrame(double seconds, FrameSignature signature, int width, int height, List<Decoded> decoded) {

        SampledFrame(double seconds, FrameSignature signature, int width, int height) {
            this(seconds, signature, width, height, List.of());
        }
    }

    /**
     * Describe one decoded frame.
     *
     * @param seconds when it is shown
     * @param signature its signature
     */
    record Decoded(double seconds, FrameSignature signature) {}

    /** Return what the frames come from: the {@code source} of the result. */
    VideoAnalysis.Source kind();

    /**
     * Move to the next sampled frame and return it; null at the end. Throws when the input is corrupt.
     */
    @Nullable SampledFrame next() throws IOException;

    /** Return the frames decoded after the last sample, once {@link #next} has returned null; none by default. */
    default List<Decoded> trailing() {
        return List.of();
    }

    /** Render the current frame as an RGB image {@code width} pixels wide. */
    BufferedImage thumbnail(int width);

    /** Return the length of the input in seconds, or NaN when unknown. */
    double durationSeconds();

    /** Return how far through the input the current frame is, 0..1. */
    double progress();
}
