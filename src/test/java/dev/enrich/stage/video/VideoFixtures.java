package dev.enrich.stage.video;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import dev.enrich.backend.local.LocalDirectoryMediaStore;
import dev.enrich.pipeline.StageContext;
import dev.enrich.session.MediaKind;
import dev.enrich.session.MediaRef;
import dev.enrich.session.MediaStore;
import dev.enrich.session.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.VideoEncoder;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.muxer.MP4Muxer;
import org.jcodec.scale.AWTUtil;
import org.jcodec.scale.ColorUtil;
import org.jcodec.scale.Transform;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

/** Draw test videos in code: screen-like scenes, hard cuts, a blinking cursor, a scrolling line. */
public final class VideoFixtures {

    private VideoFixtures() {}

    /**
     * Return a context for job {@code job-1} over a session of nine one-second PNG screenshots {@code width} pixels
     * wide, three per scene (three chapters), kept in a media store under {@code dir}.
     */
    public static StageContext threeScenes(Path dir, int width) throws IOException {
        MediaStore store = new LocalDirectoryMediaStore(dir.resolve("store-" + width));
        String sessionId = "session-" + width;
        List<MediaRef> media = new ArrayList<>();
        for (int second = 0; second < 9; second++) {
            BufferedImage shot = image(width, width * 9 / 16, second * 10, scenes(30));
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(shot, "png", png);
            MediaStore.Stored stored = store.store("acme", sessionId,
                    Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(png.toByteArray())), Long.MAX_VALUE)
                    .block(Duration.ofSeconds(10));
            media.add(new MediaRef(MediaKind.FRAMES, stored.key(), stored.size(), "image/png", second + ".png"));
        }
        Session session = new Session(sessionId, "acme", "Review", null, null, media, Instant.EPOCH);
        return new StageContext("job-1", session, Map.of(), store);
    }

    /** Draw frame {@code index} of a video onto a cleared canvas. */
    @FunctionalInterface
    public interface Painter {
        void paint(Graphics2D g, int index, int width, int height);
    }

    /**
     * Encode {@code frames} frames drawn by {@code painter} as an H.264 MP4 with jcodec's encoder.
     *
     * @param keyInterval frames between key frames
     */
    public static void encodeMp4(Path file, int width, int height, int fps, int frames, int keyInterval,
            Painter painter) throws IOException {
        H264Encoder encoder = H264Encoder.createH264Encoder();
        encoder.setKeyInterval(keyInterval);
        // Motion search makes encoding several times slower and the tests gain nothing from it.
        encoder.setMotionSearchRange(0);
        Transform toYuv = ColorUtil.getTransform(ColorSpace.RGB, ColorSpace.YUV420J);
        Picture yuv = Picture.create(width, height, ColorSpace.YUV420J);
        ByteBuffer buffer = ByteBuffer.allocate(width * height * 3);
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        try (SeekableByteChannel channel = NIOUtils.writableChannel(file.toFile())) {
            MP4Muxer muxer = MP4Muxer.createMP4MuxerToChannel(channel);
            MuxerTrack track = muxer.addVideoTrack(Codec.H264,
                    VideoCodecMeta.createSimpleVideoCodecMeta(new Size(width, height), ColorSpace.YUV420J));
            for (int i = 0; i < frames; i++) {
                draw(canvas, painter, i);
                toYuv.transform(AWTUtil.fromBufferedImageRGB(canvas), yuv);
                buffer.clear();
                VideoEncoder.EncodedFrame encoded = encoder.encodeFrame(yuv, buffer);
                track.addFrame(Packet.createPacket(encoded.getData(), i, fps, 1, i,
                        encoded.isKeyFrame() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
            }
            muxer.finish();
        }
    }

    /** Return frame {@code index} drawn by {@code painter} as an RGB image. */
    public static BufferedImage image(int width, int height, int index, Painter painter) {
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        draw(canvas, painter, index);
        return canvas;
    }

    private static void draw(BufferedImage canvas, Painter painter, int index) {
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
            painter.paint(g, index, canvas.getWidth(), canvas.getHeight());
        } finally {
            g.dispose();
        }
    }

    /**
     * Return a painter showing scene {@code index / framesPerScene} of four visibly different screen-like scenes
     * (slides, a document, a chart, a terminal), each with a little motion of its own.
     */
    public static Painter scenes(int framesPerScene) {
        return (g, index, w, h) -> {
            int scene = (index / framesPerScene) % 4;
            int t = index % framesPerScene;
            switch (scene) {
                case 0 -> {
                    g.setColor(new Color(20, 30, 90));
                    g.fillRect(0, 0, w, h);
                    g.setColor(Color.WHITE);
                    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, h / 8));
                    g.drawString("Quarterly review", w / 10, h / 3);
                    g.setColor(new Color(250, 200, 60));
                    g.fillOval(w / 10 + t % 20, h * 2 / 3, h / 10, h / 10);
                }
                case 1 -> {
                    g.setColor(new Color(245, 245, 240));
                    g.fillRect(0, 0, w, h);
                    g.setColor(Color.DARK_GRAY);
                    g.setFont(new Font(Font.SERIF, Font.PLAIN, h / 14));
                    for (int line = 0; line < 7; line++) {
                        g.drawString("Lorem ipsum dolor sit amet " + line, w / 12, h / 8 + line * h / 8);
                    }
                    g.setColor(Color.BLACK);
                    g.fillRect(w / 12 + (t % 10) * 4, h - h / 12, 2, h / 14);
                }
                case 2 -> {
                    g.setColor(new Color(230, 120, 40));
                    g.fillRect(0, 0, w, h / 2);
                    g.setColor(new Color(40, 160, 90));
                    g.fillRect(0, h / 2, w, h - h / 2);
                    g.setColor(Color.WHITE);
                    for (int bar = 0; bar < 6; bar++) {
                        int bh = (bar + 1) * h / 10 + (bar == t % 6 ? 3 : 0);
                        g.fillRect(w / 8 + bar * w / 8, h - bh - h / 20, w / 14, bh);
                    }
                }
                default -> {
                    g.setColor(new Color(12, 12, 12));
                    g.fillRect(0, 0, w, h);
                    g.setColor(new Color(60, 220, 90));
                    g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, h / 16));
                    for (int line = 0; line < 5 + t / 10; line++) {
                        g.drawString("$ ./build --target " + line, w / 20, h / 10 + line * h / 12);
                    }
                }
            }
        };
    }

    /** Return a painter of a static editor page whose text cursor blinks twice a second at {@code fps}. */
    public static Painter blinkingCursor(int fps) {
        return (g, index, w, h) -> {
            page(g, w, h);
            if ((index * 4 / fps) % 2 == 0) {
                g.setColor(Color.BLACK);
                g.fillRect(w / 2, h / 2, Math.max(2, w / 160), h / 12);
            }
        };
    }

    /** Return a painter of a page whose last text line scrolls up by {@code pixelsPerFrame}, wrapping around. */
    public static Painter scrollingLine(double pixelsPerFrame) {
        return (g, index, w, h) -> {
            page(g, w, h);
            g.setColor(new Color(30, 30, 120));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, h / 14));
            int y = h - (int) (index * pixelsPerFrame) % h;
            g.drawString("Build log: compiling module " + index / 10, w / 12, y);
        };
    }

    private static void page(Graphics2D g, int w, int h) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(50, 50, 50));
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, h / 16));
        for (int line = 0; line < 4; line++) {
            g.drawString("int total = values[" + line + "] * 2;", w / 12, h / 8 + line * h / 12);
        }
    }
}
