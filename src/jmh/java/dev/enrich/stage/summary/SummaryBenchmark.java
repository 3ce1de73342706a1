package dev.enrich.stage.summary;

import dev.enrich.model.SessionSummary;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measure the local summary on the meeting notes and on 1 MB of notes. Run with
 * {@code java -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt) org.openjdk.jmh.Main
 * SummaryBenchmark} after {@code ./mvnw -q -Pbench process-test-classes}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SummaryBenchmark {

    private final SummaryInput meeting = SummaryFixtures.input("Weekly sync", SummaryFixtures.MEETING_NOTES);
    private final SummaryInput megabyte = SummaryFixtures.input("Big notes", SummaryFixtures.megabyteOfNotes());

    @Benchmark
    public SessionSummary meetingNotes() {
        return Summarizer.summarize(meeting);
    }

    @Benchmark
    public SessionSummary megabyteOfNotes() {
        return Summarizer.summarize(megabyte);
    }
}
