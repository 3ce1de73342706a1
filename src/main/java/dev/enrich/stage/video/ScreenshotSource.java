package dev.enrich.stage.video;

import dev.enrich.model.VideoAnalysis;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.jspecify.annotations.Nullable;

/** Yield uploaded screenshots (PNG, JPEG or anything ImageIO reads) in upload order, evenly spaced in time. */
final class ScreenshotSource implements FrameSource {

    /** Open one stored screenshot. Blocking. */
    @FunctionalInterface
    interface Opener {
        InputStream open(String key) throws IOException;
    }

    // Refuse decompression bombs: a screenshot larger than 8K × 5K is not a screenshot.
    private static final long MAX_PIXELS = 40_000_000L;

    private final Opener opener;
    private final List<String> keys;
    private final double interval;
    private int index = -1;
    private @Nullable BufferedImage image;

    ScreenshotSource(Opener opener, List<String> keys, double intervalSeconds) {
        this.opener = opener;
        this.keys = List.copyOf(keys);
        this.interval = intervalSeconds;
    }

    @Override
    public VideoAnalysis.Source kind() {
        return VideoAnalysis.Source.FRAMES;
    }

    @Override
    public @Nullable SampledFrame next() throws IOException {
        if (index + 1 >= keys.size()) {
            return null;
        }
        index++;
        BufferedImage read = read(keys.get(index));
        image = read;
        FrameSignature signature = FrameSignature.ofPlane(Images.lumaOf(read), 0, read.getWidth(), read.getWidth(),
                read.getHeight());
        return new SampledFrame(index * interval, signature, read.getWidth(), read.getHeight());
    }

    private BufferedImage read(String key) throws IOException {
        try (InputStream in = opener.open(key); ImageInputStream stream = Images.input(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                throw new IOException("screenshot " + (index + 1) + " is not an image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS || pixels < 1) {
                    throw new IOException("screenshot " + (index + 1) + " has an unsupported size");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (RuntimeException e) {
            // ImageIO plugins signal some corrupt files with runtime exceptions
            throw new IOException("screenshot " + (index + 1) + " is corrupt", e);
        }
    }

    @Override
    public BufferedImage thumbnail(int width) {
        if (image == null) {
            throw new IllegalStateException("no current frame");
        }
        return Images.scaleToWidth(image, width);
    }

    @Override
    public double durationSeconds() {
        return keys.size() * interval;
    }

    @Override
    public double progress() {
        return keys.isEmpty() ? 1 : (index + 1) / (double) keys.size();
    }

    @Override
    public void close() {
        image = null;
    }
}
