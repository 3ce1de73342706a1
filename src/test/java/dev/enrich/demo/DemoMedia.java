package dev.enrich.demo;

import dev.enrich.stage.audio.WavFixtures;
import dev.enrich.stage.video.VideoFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Write demo media for the README tour, for machines without ffmpeg: {@code demo.wav} (12 s, speech-like bursts
 * with pauses) and {@code demo.mp4} (12 s, 640x360, four scenes with hard cuts).
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.enrich.demo.DemoMedia -Dexec.args=/tmp/enrich-demo}
 */
public final class DemoMedia {

    private DemoMedia() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "enrich-demo");
        Files.createDirectories(dir);
        WavFixtures.write(dir.resolve("demo.wav"), WavFixtures.Format.mono16(16000), 12,
                WavFixtures.bursts(16000, new double[][] {{0.5, 3}, {4, 6.5}, {8, 11}}, 0.3, 220, 0.002));
        VideoFixtures.encodeMp4(dir.resolve("demo.mp4"), 640, 360, 10, 120, 10, VideoFixtures.scenes(30));
        System.out.println("wrote " + dir.resolve("demo.wav") + " and " + dir.resolve("demo.mp4"));
    }
}
