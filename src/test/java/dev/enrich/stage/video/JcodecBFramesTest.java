package dev.enrich.stage.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.RequiredTool;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Check that jcodec decodes H.264 High profile with B-frames as ffmpeg does: every decoded frame's luma equal to
 * ffmpeg's frame at the same presentation time, though jcodec returns frames in decoding order and the source skips
 * the non-reference frames it does not sample.
 */
class JcodecBFramesTest {

    @Test
    void decodesHighProfileWithBFramesLikeFfmpegFrameForFrame() throws Exception {
        RequiredTool.assume(SceneClips.ffmpegAvailable(), "ffmpeg (with libx264)", "sudo apt-get install -y ffmpeg",
                "JcodecBFramesTest", RequiredTool.onCi() || "required".equals(System.getenv("ENRICH_VIDEO_TESTS")),
                "CI or ENRICH_VIDEO_TESTS=required");
        SceneClips.Clip clip = SceneClips.all().stream().filter(c -> c.name().equals("dissolve-high")).findFirst()
                .orElseThrow();
        Path mp4 = SceneClips.make(clip, Files.createDirectories(Path.of("target", "scene-clips")));

        // jcodec: each decoded frame's signature by its presentation time, and the decoding order seen.
        Map<Double, FrameSignature> jcodec = new TreeMap<>();
        boolean reordered = false;
        double last = -1;
        try (Mp4FrameSource source = Mp4FrameSource.open(FileChannel.open(mp4, StandardOpenOption.READ), 1)) {
            FrameSource.SampledFrame sample;
            List<FrameSource.Decoded> decoded = new ArrayList<>();
            while ((sample = source.next()) != null) {
                decoded.addAll(sample.decoded());
            }
            decoded.addAll(source.trailing());
            for (FrameSource.Decoded d : decoded) {
                reordered |= d.seconds() < last;
                last = d.seconds();
                jcodec.put(d.seconds(), d.signature());
            }
        }
        assertThat(reordered).as("the clip has B-frames, decoded out of presentation order").isTrue();

        // ffmpeg: the frames in presentation order, as raw 4:2:0.
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-i", mp4.toString(), "-f",
                "rawvideo", "-pix_fmt", "yuv420p", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<FrameSignature> expected = new ArrayList<>();
        int w = clip.width();
        int h = clip.height();
        try (InputStream in = new BufferedInputStream(ffmpeg.getInputStream())) {
            byte[] frame = new byte[w * h * 3 / 2];
            while (in.readNBytes(frame, 0, frame.length) == frame.length) {
                byte[] luma = new byte[w * h];
                for (int i = 0; i < luma.length; i++) {
                    luma[i] = (byte) ((frame[i] & 0xff) - 128); // jcodec's layout: luma - 128
                }
                expected.add(FrameSignature.ofPlane(luma, 0, w, w, h, 1));
            }
        }
        assertThat(ffmpeg.waitFor()).isZero();

        // Non-reference frames between samples are not decoded; every frame that is equals ffmpeg's at its time.
        assertThat(jcodec.size()).isLessThan(expected.size()).isGreaterThan(expected.size() / 3);
        for (Map.Entry<Double, FrameSignature> decoded : jcodec.entrySet()) {
            int index = (int) Math.round(decoded.getKey() * clip.fps());
            assertThat(decoded.getValue().meanAbsDifference(expected.get(index))).as("frame %d", index)
                    .isLessThan(1e-6);
        }
    }
}
