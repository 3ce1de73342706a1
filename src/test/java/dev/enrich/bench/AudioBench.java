package dev.enrich.bench;

import dev.enrich.model.AudioAnalysis;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.stage.audio.AudioStage;
import dev.enrich.stage.audio.WavFixtures.Format;
import dev.enrich.stage.audio.WavFixtures;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measure the audio stage on generated 16 kHz mono 16-bit WAV files written to a temp directory: decode and analyse
 * time, times real time, bytes allocated and heap used around each run. Single-threaded, like the stage itself.
 *
 * <p>Run: {@code ./mvnw -B -q test-compile exec:java -Dexec.mainClass=dev.enrich.bench.AudioBench
 * -Dexec.classpathScope=test [-Dexec.args="10 60"]} (arguments: file lengths in minutes, default 10 and 60), or in
 * a JVM of its own with a small heap, as bench/README.md shows.
 *
 * <p>{@code --files RUNS FILE...} measures the given WAV files instead (after a warm-up on a generated 2-minute
 * file), {@code RUNS} times each, and prints one {@code result} line per run for scripts
 * ({@code bench/audio-speed.sh}).
 */
public final class AudioBench {

    private static final int RATE = 16_000;
    private static final int RUNS = 3;

    private AudioBench() {}

    /** Run the benchmark; arguments are file lengths in minutes. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--files")) {
            files(Integer.parseInt(args[1]), Arrays.copyOfRange(args, 2, args.length));
            return;
        }
        int[] minutes = args.length == 0
                ? new int[] {10, 60} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        Path dir = Files.createTempDirectory("audio-bench");
        try {
            System.out.printf(Locale.ROOT, "java %s, %d cpus, max heap %d MB%n", System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
            Path warmup = write(dir, 2);
            for (int i = 0; i < 3; i++) {
                analyse(warmup);
            }
            for (int m : minutes) {
                Path file = write(dir, m);
                for (int run = 1; run <= RUNS; run++) {
                    measure(file, m, run);
                }
                Files.delete(file);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.delete(dir);
        }
    }

    private static void files(int runs, String[] files) throws IOException {
        Path dir = Files.createTempDirectory("audio-bench");
        try {
            Path warmup = write(dir, 2);
            for (int i = 0; i < 5; i++) {
                analyse(warmup);
            }
            Files.delete(warmup);
        } finally {
            Files.delete(dir);
        }
        for (String name : files) {
            Path file = Path.of(name);
            for (int run = 1; run <= runs; run++) {
                long start = System.nanoTime();
                AudioAnalysis data = analyse(file);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "result file=%s run=%d seconds=%.4f audio=%.1f segments=%d%n", name,
                        run, seconds, data.durationSeconds(), data.segments().size());
            }
        }
    }

    private static Path write(Path dir, int minutes) throws IOException {
        // Speech-like: 0.8 s of tone every 2 s over -60 dBFS noise.
        return WavFixtures.write(dir.resolve(minutes + "min.wav"), Format.mono16(RATE), minutes * 60.0,
                WavFixtures.pulses(RATE, 0.8, 2, 0.3, 0.001));
    }

    private static void measure(Path file, int minutes, int run) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long heapBefore = usedAfterGc();
        long allocatedBefore = threads.getThreadAllocatedBytes(thread);
        long start = System.nanoTime();
        AudioAnalysis data = analyse(file);
        double seconds = (System.nanoTime() - start) / 1e9;
        long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
        long heapAfter = usedAfterGc();
        double audioSeconds = data.durationSeconds();
        System.out.printf(Locale.ROOT,
                "%3d min (%4d MB) run %d: %6.2f s  %7.0fx real time  allocated %6.2f MB  "
                        + "heap used after GC: before %5.1f MB, after %5.1f MB  segments %d%n",
                minutes, Files.size(file) >> 20, run, seconds, audioSeconds / seconds, allocated / 1e6,
                heapBefore / 1e6, heapAfter / 1e6, data.segments().size());
    }

    private static AudioAnalysis analyse(Path file) {
        StageUpdate last = new AudioStage().run(WavFixtures.context(() -> Files.newInputStream(file))).blockLast();
        if (!(last instanceof StageUpdate.Done done)) {
            throw new IllegalStateException("no result: " + last);
        }
        return done.result().data(AudioAnalysis.class).orElseThrow();
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
