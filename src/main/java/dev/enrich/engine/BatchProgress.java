package dev.enrich.engine;

import dev.enrich.job.Batch;
import dev.enrich.job.BatchView;
import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.job.JobView;
import dev.enrich.progress.EtaText;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Sum up a batch from its jobs: counts by state, mean progress, and an ETA for the last job to finish. */
final class BatchProgress {

    private BatchProgress() {}

    static BatchView view(Batch batch, List<Job> jobs, Function<Job, JobView> viewer, int concurrency,
            @Nullable Duration meanJob) {
        Map<JobState, Integer> counts = new EnumMap<>(JobState.class);
        double progress = 0;
        int done = 0;
        boolean etaKnown = true;
        long eta = 0;
        for (Job job : jobs) {
            counts.merge(job.state(), 1, Integer::sum);
            progress += job.state().isTerminal() ? 1.0 : job.progress();
            if (job.state().isTerminal()) {
                done++;
            } else if (job.state() == JobState.RUNNING) {
                if (job.etaSeconds() == null) {
                    etaKnown = false;
                } else {
                    eta = Math.max(eta, job.etaSeconds());
                }
            } else {
                // the last queued job of the batch starts at its expected start and takes a mean job's time
                JobView v = viewer.apply(job);
                if (v.expectedStartSeconds() == null || meanJob == null) {
                    etaKnown = false;
                } else {
                    eta = Math.max(eta, v.expectedStartSeconds() + Math.max(1, meanJob.toSeconds()));
                }
            }
        }
        int total = jobs.size();
        JobState state = state(counts, total, done);
        Long etaSeconds = state.isTerminal() ? Long.valueOf(0) : etaKnown ? Long.valueOf(Math.max(1, eta)) : null;
        String message = state.isTerminal()
                ? done + " of " + total + " sessions done."
                : done + " of " + total + " sessions done";
        return new BatchView(batch.id(), state, total, done, counts, total == 0 ? 1 : progress / total, etaSeconds,
                EtaText.describe(etaSeconds), message, batch.jobIds(), batch.createdAt());
    }

    private static JobState state(Map<JobState, Integer> counts, int total, int done) {
        if (done < total) {
            return counts.getOrDefault(JobState.QUEUED, 0) == total ? JobState.QUEUED : JobState.RUNNING;
        }
        int completed = counts.getOrDefault(JobState.COMPLETED, 0);
        if (completed == total) {
            return JobState.COMPLETED;
        }
        if (counts.getOrDefault(JobState.CANCELLED, 0) == total) {
            return JobState.CANCELLED;
        }
        return completed + counts.getOrDefault(JobState.PARTIAL, 0) > 0 ? JobState.PARTIAL : JobState.FAILED;
    }
}
