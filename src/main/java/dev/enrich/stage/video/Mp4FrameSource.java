package dev.enrich.stage.video;

import dev.enrich.model.VideoAnalysis;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.jcodec.api.specific.AVCMP4Adaptor;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.SeekableDemuxerTrack;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.jspecify.annotations.Nullable;

/**
 * Sample an MP4 (H.264) at a fixed rate with jcodec. Frames are decoded in order; when the next sample lies past a
 * later key frame, decoding jumps to that key frame instead of decoding the frames in between. Non-reference frames
 * (typically B-frames) that are not sampled are not decoded: nothing is predicted from them. Every decoded frame's
 * signature goes with the next sample, for the frame-level cut detection.
 *
 * <p>jcodec's H.264 decoder starts a never-closed thread pool per instance on multi-core machines; the source turns
 * that off, so each video decodes on the (bounded) thread that drives it and leaks no threads.
 */
final class Mp4FrameSource implements FrameSource {

    // jcodec reads the whole movie header into memory; a larger one is corrupt or hostile.
    private static final long MAX_MOOV_BYTES = 64L << 20;

    private final SeekableByteChannel channel;
    private final SeekableDemuxerTrack track;
    private final H264Decoder decoder;
    private final byte[][] buffer;
    private final double sampleFps;
    private final double duration;
    private final double framesPerSecond;
    private final int @Nullable [] keyFrames;
    private final double frameSeconds;

    private long sampleIndex;
    private double seconds;
    private @Nullable Picture picture;
    private final List<Decoded> trailing = new ArrayList<>();

    private Mp4FrameSource(SeekableByteChannel channel, SeekableDemuxerTrack track, double sampleFps) {
        this.channel = channel;
        this.track = track;
        this.sampleFps = sampleFps;
        DemuxerTrackMeta meta = track.getMeta();
        this.decoder = singleThreaded(H264Decoder.createH264DecoderFromCodecPrivate(meta.getCodecPrivate()));
        // The adaptor only sizes the picture buffer from the stream's parameter sets.
        this.buffer = new AVCMP4Adaptor(meta).allocatePicture();
        this.duration = meta.getTotalDuration();
        this.framesPerSecond = duration > 0 && meta.getTotalFrames() > 0 ? meta.getTotalFrames() / duration : 0;
        this.keyFrames = meta.getSeekFrames();
        this.frameSeconds = framesPerSecond > 0 ? 1 / framesPerSecond : 0;
    }

    /**
     * Open an MP4 read from {@code channel}, which the source then owns.
     *
     * @throws IOException when the content is not an MP4 with an H.264 video track
     */
    static Mp4FrameSource open(SeekableByteChannel channel, double sampleFps) throws IOException {
        try {
            checkContainer(channel);
            channel.position(0);
            MP4Demuxer demuxer = MP4Demuxer.createMP4Demuxer(new JcodecChannel(channel));
            DemuxerTrack video = demuxer.getVideoTrack();
            if (!(video instanceof SeekableDemuxerTrack seekable)) {
                throw new IOException("the MP4 has no video track");
            }
            Codec codec = video.getMeta().getCodec();
            if (codec != Codec.H264) {
                throw new IOException("unsupported video codec: " + codec);
            }
            return new Mp4FrameSource(channel, seekable, sampleFps);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e instanceof IOException io ? io : new IOException("unreadable MP4", e);
        }
    }

    @Override
    public VideoAnalysis.Source kind() {
        return VideoAnalysis.Source.MP4;
    }

    @Override
    public @Nullable SampledFrame next() throws IOException {
        double target = sampleIndex / sampleFps;
        try {
            skipToKeyFrameBefore(target);
            List<Decoded> frames = new ArrayList<>();
            Packet packet;
            while ((packet = track.nextFrame()) != null) {
                double pts = packet.getPtsD();
                // No frame refers to a non-reference frame: one that is not sampled need not be decoded at all.
                if (pts + frameSeconds / 2 < target && !isReference(packet.getData())) {
                    continue;
                }
                Picture decoded = decoder.decodeFrame(packet.getData(), buffer);
                if (decoded == null) {
                    continue;
                }
                FrameSignature signature = signature(decoded);
                frames.add(new Decoded(pts, signature));
                if (pts + frameSeconds / 2 < target) {
                    continue;
                }
                picture = decoded;
                seconds = pts;
                sampleIndex = Math.max(sampleIndex + 1, (long) Math.floor(pts * sampleFps + 1e-6) + 1);
                return new SampledFrame(pts, signature, decoded.getCroppedWidth(), decoded.getCroppedHeight(),
                        frames);
            }
            trailing.addAll(frames);
            return null;
        } catch (RuntimeException e) {
            // jcodec signals corrupt bitstreams with assorted runtime exceptions
            throw new IOException("corrupt H.264 video", e);
        }
    }

    /**
     * Return false when the Annex B access unit's first slice has {@code nal_ref_idc} 0 (a non-reference picture,
     * typically a B-frame): no other frame is predicted from it. True when unsure.
     */
    static boolean isReference(ByteBuffer data) {
        int end = data.limit() - 3;
        for (int i = data.position(); i < end; i++) {
            if (data.get(i) == 0 && data.get(i + 1) == 0 && data.get(i + 2) == 1) {
                int header = data.get(i + 3) & 0xff;
                int type = header & 0x1f;
                if (type == 1 || type == 5) {
                    return (header & 0x60) != 0;
                }
                i += 2;
            }
        }
        return true;
    }

    // Large frames are summarised from every other pixel of every other row: cells still average hundreds of pixels.
    private static FrameSignature signature(Picture p) {
        int step = Math.max(1, p.getCroppedWidth() / 640);
        return FrameSignature.ofPlane(p.getPlaneData(0), p.getStartY() * p.getPlaneWidth(0) + p.getStartX(),
                p.getPlaneWidth(0), p.getCroppedWidth(), p.getCroppedHeight(), step);
    }

    private static H264Decoder singleThreaded(H264Decoder decoder) {
        try {
            Field threaded = H264Decoder.class.getDeclaredField("threaded");
            threaded.setAccessible(true);
            threaded.setBoolean(decoder, false);
            Field pool = H264Decoder.class.getDeclaredField("tp");
            pool.setAccessible(true);
            if (pool.get(decoder) instanceof ExecutorService executor) {
                executor.shutdownNow();
            }
            return decoder;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("unsupported jcodec version: cannot make its decoder single-threaded", e);
        }
    }

    private void skipToKeyFrameBefore(double target) throws IOException {
        if (framesPerSecond <= 0) {
            return;
        }
        long wanted = (long) Math.floor(target * framesPerSecond) - 1;
        long key = wanted;
        if (keyFrames != null) {
            key = -1;
            for (int k : keyFrames) {
                if (k > wanted) {
                    break;
                }
                key = k;
            }
        }
        if (key > track.getCurFrame()) {
            track.gotoFrame(key);
        }
    }

    @Override
    public List<Decoded> trailing() {
        return List.copyOf(trailing);
    }

    @Override
    public BufferedImage thumbnail(int width) {
        Picture p = picture;
        if (p == null) {
            throw new IllegalStateException("no current frame");
        }
        if (p.getColor() != ColorSpace.YUV420 && p.getColor() != ColorSpace.YUV420J) {
            throw new IllegalStateException("unexpected decoded colour space " + p.getColor());
        }
        BufferedImage rgb = Images.yuv420ToRgb(p.getData(),
                new int[] {p.getPlaneWidth(0), p.getPlaneWidth(1), p.getPlaneWidth(2)}, p.getStartX(),
                p.getStartY(), p.getCroppedWidth(), p.getCroppedHeight(), p.getColor() == ColorSpace.YUV420J);
        return Images.scaleToWidth(rgb, width);
    }

    @Override
    public double durationSeconds() {
        return duration > 0 ? duration : Double.NaN;
    }

    @Override
    public double progress() {
        return duration > 0 ? Math.min(1, seconds / duration) : 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // Walk the top-level boxes: an ftyp first, every box inside the file, and a movie header of sane size.
    private static void checkContainer(SeekableByteChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        long position = 0;
        boolean first = true;
        boolean moov = false;
        while (position + 8 <= size) {
            header.clear().limit(16);
            channel.position(position);
            while (header.hasRemaining() && channel.read(header) > 0) {
                // keep reading until the header is in or the file ends
            }
            header.flip();
            long boxSize = header.getInt() & 0xffffffffL;
            String type = new String(new byte[] {header.get(), header.get(), header.get(), header.get()},
                    StandardCharsets.ISO_8859_1);
            if (boxSize == 1) {
                if (header.remaining() < 8) {
                    throw new IOException("truncated MP4 box");
                }
                boxSize = header.getLong();
            } else if (boxSize == 0) {
                boxSize = size - position;
            }
            if (first && !type.equals("ftyp")) {
                throw new IOException("not an MP4 file");
            }
            if (boxSize < 8 || position + boxSize > size) {
                throw new IOException("corrupt or truncated MP4 box '" + type + "'");
            }
            if (type.equals("moov")) {
                if (boxSize > MAX_MOOV_BYTES) {
                    throw new IOException("MP4 movie header too large: " + boxSize + " bytes");
                }
                moov = true;
            }
            first = false;
            position += boxSize;
        }
        if (first) {
            throw new IOException("not an MP4 file");
        }
        if (!moov) {
            throw new IOException("the MP4 has no movie header (incomplete upload?)");
        }
    }
}
