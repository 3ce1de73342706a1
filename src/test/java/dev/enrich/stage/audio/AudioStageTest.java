package dev.enrich.stage.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.model.TimeSpan;
import dev.enrich.pipeline.StageContext;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageState;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.stage.audio.WavFixtures.Format;
import dev.enrich.stage.audio.WavFixtures.Signal;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

class AudioStageTest {

    // Off the 20 ms frame grid on purpose.
    private static final double[][] BURSTS = {{0.613, 1.407}, {2.111, 2.493}, {3.205, 4.719}, {5.302, 5.557}};
    private static final double NOISE_60_DBFS = 0.001;

    private final AudioStage stage = new AudioStage();

    @ParameterizedTest(name = "amplitude {0}")
    @ValueSource(doubles = {0.5, 0.05, 0.02})
    void findsToneBurstBoundariesWithin50msOverLowNoise(double amplitude) {
        AudioAnalysis data = analyse(Format.mono16(16_000), 6.3,
                WavFixtures.bursts(16_000, BURSTS, amplitude, 440, NOISE_60_DBFS));

        assertSegmentsNear(data, BURSTS, 0.05);
        double speech = Arrays.stream(BURSTS).mapToDouble(s -> s[1] - s[0]).sum();
        assertThat(data.speechRatio()).isCloseTo(speech / 6.3, within(0.03));
        assertThat(data.longestPauseSeconds()).isCloseTo(0.7, within(0.1));
    }

    static Stream<Format> formats() {
        return Stream.of(new Format(16_000, 1, 8, false), new Format(16_000, 1, 24, false),
                new Format(16_000, 1, 32, false), new Format(16_000, 1, 32, true), new Format(16_000, 2, 16, false),
                new Format(8_000, 1, 16, false), new Format(48_000, 2, 16, false), new Format(44_100, 1, 24, false));
    }

    @ParameterizedTest
    @MethodSource("formats")
    void decodesEveryLayoutToTheSameFacts(Format format) {
        double[][] spans = {{0.5, 1.5}, {2.0, 3.0}};
        AudioAnalysis reference = analyse(Format.mono16(16_000), 3.5,
                WavFixtures.bursts(16_000, spans, 0.5, 440, 0));
        AudioAnalysis data = analyse(format, 3.5, WavFixtures.bursts(format.rate(), spans, 0.5, 440, 0));

        assertThat(data).extracting(AudioAnalysis::sampleRate, AudioAnalysis::channels, AudioAnalysis::bitsPerSample,
                        AudioAnalysis::durationSeconds, AudioAnalysis::clippingRatio)
                .containsExactly(format.rate(), format.channels(), format.bits(), reference.durationSeconds(), 0.0);
        assertThat(data.rmsDbfs()).isCloseTo(reference.rmsDbfs(), within(0.2));
        assertThat(data.peakDbfs()).isCloseTo(reference.peakDbfs(), within(0.2));
        assertThat(data.speechRatio()).isCloseTo(reference.speechRatio(), within(0.02));
        assertSegmentsNear(data, spans, 0.05);
        assertThat(loudness(data)).hasSameSizeAs(loudness(reference));
    }

    @Test
    void bridgesShortPausesAndDropsShortBlips() {
        // A 150 ms gap inside the first burst, then a 60 ms blip alone.
        double[][] spans = {{0.6, 1.2}, {1.35, 2.0}, {3.0, 3.06}};
        Signal signal = WavFixtures.bursts(16_000, spans, 0.3, 440, NOISE_60_DBFS);

        assertSegmentsNear(analyse(Format.mono16(16_000), 4, signal), new double[][] {{0.6, 2.0}}, 0.05);

        AudioStage fine = new AudioStage(AudioSettings.defaults().withMinSilenceMs(100).withMinSpeechMs(40));
        assertSegmentsNear(analyse(fine, Format.mono16(16_000), 4, signal), spans, 0.05);
    }

    @Test
    void levelBetweenTheThresholdsKeepsSpeechGoingButNeverStartsIt() {
        double floor = NOISE_60_DBFS;
        // 9 dB over the floor is between stop (6 dB) and start (12 dB); 20 dB over starts speech.
        double between = floor * Math.pow(10, 9 / 20.0) * Math.sqrt(2);
        double loud = floor * Math.pow(10, 20 / 20.0) * Math.sqrt(2);
        Signal noise = WavFixtures.noise(floor, 3);
        Signal signal = frame -> {
            double t = frame / 16_000.0;
            double tone = Math.sin(2 * Math.PI * 300 * t);
            double level = t >= 1 && t < 1.5 ? loud : t >= 1.5 && t < 2.5 ? between : t >= 3.5 && t < 4.5 ? between : 0;
            return noise.at(frame) + level * tone;
        };

        assertSegmentsNear(analyse(Format.mono16(16_000), 5.5, signal), new double[][] {{1.0, 2.5}}, 0.05);
    }

    @Test
    void reportsLevelsClippingAndPerSecondLoudness() {
        Signal signal = frame -> {
            double t = frame / 16_000.0;
            double tone = Math.sin(2 * Math.PI * 440 * t);
            return t < 1 ? 0.5 * tone : t >= 2 && t < 3 ? 0.05 * tone : t >= 4 && t < 5 ? 2 * tone : 0;
        };

        AudioAnalysis data = analyse(Format.mono16(16_000), 5.5, signal);

        // The clipped second is a 2x sine cut at full scale: |sin| >= 0.5 for two thirds of it.
        assertThat(loudness(data)).hasSize(6).satisfies(l -> {
            assertThat(l.get(0)).isCloseTo(-9.0, within(0.1));
            assertThat(l.get(1)).isEqualTo(-120.0);
            assertThat(l.get(2)).isCloseTo(-29.0, within(0.1));
            assertThat(l.get(3)).isEqualTo(-120.0);
            assertThat(l.get(5)).isEqualTo(-120.0);
        });
        assertThat(data.peakDbfs()).isCloseTo(0.0, within(0.05));
        assertThat(data.clippingRatio()).isCloseTo((2 / 3.0) / 5.5, within(0.005));
        assertThat(data.durationSeconds()).isEqualTo(5.5);
        assertThat(data.loudnessStepSeconds()).isNull();
        assertThat(data.segmentsTruncated()).isFalse();
    }

    @Test
    void reportsSilenceAsNoSpeechAtTheFloor() {
        AudioAnalysis data = analyse(Format.mono16(8_000), 2, WavFixtures.silence());

        assertThat(data).extracting(AudioAnalysis::rmsDbfs, AudioAnalysis::peakDbfs, AudioAnalysis::speechRatio,
                        AudioAnalysis::longestPauseSeconds, AudioAnalysis::segments)
                .containsExactly(-120.0, -120.0, 0.0, 0.0, List.of());
    }

    @Test
    void truncatedWavFailsTheStage() {
        byte[] wav = WavFixtures.bytes(Format.mono16(16_000), 2, WavFixtures.noise(0.1, 1));

        expectFailure(Arrays.copyOf(wav, wav.length * 3 / 5));
        expectFailure(Arrays.copyOf(wav, 30));
    }

    @Test
    void randomBytesFailTheStage() {
        byte[] junk = new byte[256 * 1024];
        new Random(7).nextBytes(junk);

        expectFailure(junk);
    }

    @Test
    void emptyFileFailsTheStage() {
        expectFailure(new byte[0]);
    }

    @Test
    void reportsProgressPerChunkThenOneResult() {
        List<StageUpdate> updates = stage.run(WavFixtures.context(() -> WavFixtures.stream(Format.mono16(16_000), 120,
                WavFixtures.pulses(16_000, 0.5, 2, 0.3, NOISE_60_DBFS)))).collectList().block(Duration.ofSeconds(30));

        assertThat(updates).hasSizeGreaterThan(20);
        List<StageUpdate.Progress> progress = updates.subList(0, updates.size() - 1).stream()
                .map(StageUpdate.Progress.class::cast).toList();
        assertThat(progress).allSatisfy(p -> assertThat(p.message()).isEqualTo("Analyzing audio..."));
        assertThat(progress).extracting(StageUpdate.Progress::fraction).isSorted().last().isEqualTo(1.0);
        StageUpdate.Done done = (StageUpdate.Done) updates.get(updates.size() - 1);
        assertThat(done.result().stage()).isEqualTo(StageName.AUDIO);
        assertThat(done.result().state()).isEqualTo(StageState.SUCCEEDED);
        assertThat(done.result().data(AudioAnalysis.class).orElseThrow().segments()).hasSize(60);
    }

    @Test
    void stopsReadingAndClosesTheFileWhenCancelled() {
        AtomicLong read = new AtomicLong();
        AtomicBoolean closed = new AtomicBoolean();
        double seconds = 600;
        StageContext context = WavFixtures.context(() -> new FilterInputStream(
                WavFixtures.stream(Format.mono16(16_000), seconds, WavFixtures.noise(0.1, 1))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                read.addAndGet(Math.max(0, n));
                return n;
            }

            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        });

        StepVerifier.create(stage.run(context), 0)
                .thenRequest(2)
                .expectNextCount(2)
                .thenCancel()
                .verify(Duration.ofSeconds(10));

        assertThat(closed).isTrue();
        assertThat(read.get()).isLessThan((long) (seconds * 16_000 * 2 / 20));
    }

    @Test
    void allocatesAboutTheSameForTenMinutesAsForOne() {
        Signal signal = WavFixtures.pulses(16_000, 0.8, 2, 0.3, NOISE_60_DBFS);
        allocatedBy(60, signal); // warm up

        long oneMinute = allocatedBy(60, signal);
        long tenMinutes = allocatedBy(600, signal);

        // Ten minutes of 16-bit mono is 19 MB of PCM; per-chunk work reuses its buffers.
        assertThat(tenMinutes - oneMinute).isLessThan(1_500_000);
    }

    private long allocatedBy(double seconds, Signal signal) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        stage.run(WavFixtures.context(() -> WavFixtures.stream(Format.mono16(16_000), seconds, signal))).blockLast();
        return threads.getThreadAllocatedBytes(id) - before;
    }

    private void expectFailure(byte[] content) {
        StepVerifier.create(stage.run(WavFixtures.context(() -> new ByteArrayInputStream(content))))
                .thenConsumeWhile(u -> u instanceof StageUpdate.Progress)
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOfAny(IOException.class, UnsupportedAudioFileException.class))
                .verify(Duration.ofSeconds(10));
    }

    private AudioAnalysis analyse(Format format, double seconds, Signal signal) {
        return analyse(stage, format, seconds, signal);
    }

    static AudioAnalysis analyse(AudioStage stage, Format format, double seconds, Signal signal) {
        return analyse(stage, WavFixtures.context(() -> WavFixtures.stream(format, seconds, signal)));
    }

    static AudioAnalysis analyse(AudioStage stage, StageContext context) {
        StageUpdate last = stage.run(context).blockLast(Duration.ofSeconds(30));
        assertThat(last).isInstanceOf(StageUpdate.Done.class);
        return ((StageUpdate.Done) last).result().data(AudioAnalysis.class).orElseThrow();
    }

    static List<Double> loudness(AudioAnalysis data) {
        return data.loudness();
    }

    static void assertSegmentsNear(AudioAnalysis data, double[][] expected, double tolerance) {
        List<TimeSpan> segments = data.segments();
        assertThat(segments).as("segments %s", segments).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(segments.get(i).start()).as("start of segment %d in %s", i, segments)
                    .isCloseTo(expected[i][0], within(tolerance));
            assertThat(segments.get(i).end()).as("end of segment %d in %s", i, segments)
                    .isCloseTo(expected[i][1], within(tolerance));
        }
    }
}
