package dev.enrich.stage.video;

import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;

/**
 * Yield the sampled frames of a video, one at a time. Blocking. The accessors describe the current frame and are
 * valid until the next call to {@link #next}.
 */
interface FrameSource extends Closeable {

    /** Return the {@code source} value of the result: {@code "mp4"} or {@code "frames"}. */
    String kind();

    /** Move to the next sampled frame; false at the end. Throws when the input is corrupt. */
    boolean next() throws IOException;

    /** Return when the current frame is shown, in seconds from the start. */
    double seconds();

    /** Return the signature of the current frame. */
    FrameSignature signature();

    /** Render the current frame as an RGB image {@code width} pixels wide. */
    BufferedImage thumbnail(int width);

    /** Return the width of the current frame in pixels. */
    int width();

    /** Return the height of the current frame in pixels. */
    int height();

    /** Return the length of the input in seconds, or NaN when unknown. */
    double durationSeconds();

    /** Return how far through the input the current frame is, 0..1. */
    double progress();
}
