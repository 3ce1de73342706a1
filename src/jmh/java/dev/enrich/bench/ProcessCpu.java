package dev.enrich.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Count the CPU time the whole benchmark process spends (all threads: the engine's, the JIT's and the GC's) and the
 * jobs run, per iteration, as JMH secondary results {@code cpuNanos} and {@code jobs}: their ratio is the CPU time per
 * job, which the wall time per job hides when the jobs run on both cores, or when other processes take the cores.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class ProcessCpu {

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU nanoseconds of the process during this iteration's invocations. */
    public long cpuNanos;
    /** Jobs run during this iteration. */
    public long jobs;

    private long start;

    @Setup(Level.Iteration)
    public void reset() {
        cpuNanos = 0;
        jobs = 0;
    }

    /** Start counting an invocation. */
    void begin() {
        start = OS.getProcessCpuTime();
    }

    /** End counting an invocation that ran {@code n} jobs. */
    void end(int n) {
        cpuNanos += OS.getProcessCpuTime() - start;
        jobs += n;
    }

    /** End counting an invocation that ran {@code n} jobs and return {@code result}. */
    <T> T end(int n, T result) {
        end(n);
        return result;
    }
}
