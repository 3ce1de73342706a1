package dev.enrich.stage.video;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Convert, scale, decode and encode frame images.
 *
 * <p>Streams are cached in memory, never through ImageIO's default file cache: that cache registers a JVM shutdown
 * hook the first time it is used, which throws "Shutdown in progress" when a stage still running during the
 * shutdown drain is the first to touch it.
 */
final class Images {

    private Images() {}

    /**
     * Return {@code src} scaled to {@code width} pixels wide (aspect kept), halving with bilinear filtering so that
     * text stays legible.
     */
    static BufferedImage scaleToWidth(BufferedImage src, int width) {
        int targetHeight = Math.max(1, (int) Math.round((double) src.getHeight() * width / src.getWidth()));
        BufferedImage current = src;
        int w = src.getWidth();
        int h = src.getHeight();
        do {
            w = w / 2 >= width ? w / 2 : width;
            h = h / 2 >= targetHeight ? h / 2 : targetHeight;
            BufferedImage next = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = next.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(current, 0, 0, w, h, null);
            } finally {
                g.dispose();
            }
            current = next;
        } while (w != width || h != targetHeight);
        return current;
    }

    /**
     * Convert a planar YUV 4:2:0 picture whose bytes hold {@code value - 128} (jcodec's layout) to RGB.
     *
     * @param fullRange true for JPEG-range luma (0..255), false for video range (16..235)
     */
    static BufferedImage yuv420ToRgb(byte[][] planes, int[] strides, int startX, int startY, int width, int height,
            boolean fullRange) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        double ys = fullRange ? 1.0 : 255.0 / 219.0;
        double yo = fullRange ? 0 : 16;
        double cs = fullRange ? 1.0 : 255.0 / 224.0;
        for (int y = 0; y < height; y++) {
            int sy = y + startY;
            for (int x = 0; x < width; x++) {
                int sx = x + startX;
                double l = ((planes[0][sy * strides[0] + sx] + 128) - yo) * ys;
                int ci = (sy >> 1) * strides[1] + (sx >> 1);
                double u = planes[1][ci] * cs;
                double v = planes[2][ci] * cs;
                row[x] = (clamp(l + 1.402 * v) << 16) | (clamp(l - 0.344136 * u - 0.714136 * v) << 8)
                        | clamp(l + 1.772 * u);
            }
            out.setRGB(0, y, width, 1, row, 0, width);
        }
        return out;
    }

    /** Return the luma of an RGB image as bytes holding {@code luma - 128}, row by row. */
    static byte[] lumaOf(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] luma = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int rgb = row[x];
                int l = (77 * ((rgb >> 16) & 0xff) + 150 * ((rgb >> 8) & 0xff) + 29 * (rgb & 0xff)) >> 8;
                luma[y * w + x] = (byte) (l - 128);
            }
        }
        return luma;
    }

    /** Encode an image as PNG. */
    static byte[] png(BufferedImage image) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no PNG writer available");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Return an image stream over {@code in}, cached in memory; closing it leaves {@code in} open. */
    static ImageInputStream input(InputStream in) {
        return new MemoryCacheImageInputStream(in);
    }

    /** Decode an image with whichever ImageIO reader takes it; return null when none does. Blocking. */
    static @Nullable BufferedImage read(InputStream in) throws IOException {
        return ImageIO.read(input(in));
    }

    private static int clamp(double v) {
        return v <= 0 ? 0 : v >= 255 ? 255 : (int) (v + 0.5);
    }
}
