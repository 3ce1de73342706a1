package dev.enrich.stage.audio;


import dev.enrich.model.AudioAnalysis;
import dev.enrich.stage.audio.WavFixtures.Format;
import dev.enrich.stage.audio.WavFixtures.Signal;
import dev.enrich.testing.RequiredTool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Check the detector on real speech synthesised by espeak-ng; skipped where espeak-ng is not installed. */
class RealSpeechTest {

    private static final double LEAD = 0.8;
    private static final double GAP = 1.2;
    /** Speech starts and ends where the waveform first and last reaches 2% of full scale. */
    private static final double SPEECH_LEVEL = 0.02;

    @Test
    void findsSentenceBoundariesInRealSpeechWithin250ms(@TempDir Path dir) throws Exception {
        RequiredTool.assume(espeakAvailable(), "espeak-ng", "sudo apt-get install -y espeak-ng", "RealSpeechTest",
                RequiredTool.onCi() || "required".equals(System.getenv("ENRICH_SPEECH_TESTS")),
                "CI or ENRICH_SPEECH_TESTS=required");
        float[] first = speak(dir, "first", "Good morning everyone and welcome to the weekly review");
        float[] second = speak(dir, "second", "Next we will look at the numbers from the last release");
        int rate = 22_050;
        int secondAt = (int) ((LEAD + GAP) * rate) + first.length;
        double[][] truth = {
            {LEAD + onset(first) / (double) rate, LEAD + offset(first) / (double) rate},
            {(secondAt + onset(second)) / (double) rate, (secondAt + offset(second)) / (double) rate}};
        Signal noise = WavFixtures.noise(0.0005, 11);
        int firstAt = (int) (LEAD * rate);
        Signal voices = frame -> noise.at(frame) + at(first, frame - firstAt) + at(second, frame - secondAt);
        double seconds = (secondAt + second.length) / (double) rate + LEAD;

        AudioAnalysis data = AudioStageTest.analyse(new AudioStage(), Format.mono16(rate), seconds, voices);

        AudioStageTest.assertSegmentsNear(data, truth, 0.25);
    }

    private static double at(float[] voice, long i) {
        return i >= 0 && i < voice.length ? voice[(int) i] : 0;
    }

    private static int onset(float[] voice) {
        int i = 0;
        while (Math.abs(voice[i]) < SPEECH_LEVEL) {
            i++;
        }
        return i;
    }

    private static int offset(float[] voice) {
        int i = voice.length - 1;
        while (Math.abs(voice[i]) < SPEECH_LEVEL) {
            i--;
        }
        return i;
    }

    private static boolean espeakAvailable() {
        try {
            Process p = new ProcessBuilder("espeak-ng", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Speak {@code text} into a 22,050 Hz mono WAV and return its samples. */
    private static float[] speak(Path dir, String name, String text) throws Exception {
        Path wav = dir.resolve(name + ".wav");
        Process p = new ProcessBuilder("espeak-ng", "-w", wav.toString(), text).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("espeak-ng failed for " + text);
        }
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            AudioFormat f = in.getFormat();
            if (f.getSampleRate() != 22_050 || f.getChannels() != 1 || f.getSampleSizeInBits() != 16) {
                throw new IllegalStateException("unexpected espeak-ng format " + f);
            }
            ByteBuffer pcm = ByteBuffer.wrap(in.readAllBytes()).order(f.isBigEndian() ? ByteOrder.BIG_ENDIAN
                    : ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[pcm.remaining() / 2];
            for (int i = 0; i < out.length; i++) {
                out[i] = pcm.getShort() / 32768f;
            }
            return out;
        }
    }
}
