package dev.enrich.engine;

import dev.enrich.job.Job;
import dev.enrich.job.JobState;
import dev.enrich.job.StageStatus;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageState;
import java.util.Collection;
import java.util.List;

/** Decide how a job ended from its stages' outcomes, and say it in a friendly way. */
final class Outcome {

    private Outcome() {}

    /**
     * Return COMPLETED when every stage succeeded or was skipped (and at least one succeeded), PARTIAL when something
     * useful came out but a stage degraded or failed, FAILED when nothing useful came out.
     */
    static JobState of(Job job) {
        Collection<StageStatus> stages = job.stages().values();
        boolean anyUseful = stages.stream().anyMatch(s -> s.state().isUseful());
        if (!anyUseful) {
            return JobState.FAILED;
        }
        boolean allClean = stages.stream()
                .allMatch(s -> s.state() == StageState.SUCCEEDED || s.state() == StageState.SKIPPED);
        return allClean ? JobState.COMPLETED : JobState.PARTIAL;
    }

    /** Return the friendly message for how a job ended, e.g. "Session partially enriched (audio only)". */
    static String message(Job job) {
        JobState state = of(job);
        if (state == JobState.COMPLETED) {
            return "Session enriched.";
        }
        if (state == JobState.FAILED) {
            boolean allSkipped = job.stages().values().stream().allMatch(s -> s.state() == StageState.SKIPPED);
            return allSkipped ? "Nothing to enrich: this session has no media or text for the chosen stages."
                    : "Couldn't enrich this session.";
        }
        boolean mediaLost = job.stages().values().stream()
                .anyMatch(s -> isMedia(s.stage()) && s.state() == StageState.FAILED);
        List<String> kept = job.stages().values().stream()
                .filter(s -> mediaLost ? isMedia(s.stage()) && s.state().isUseful() : !clean(s.state()))
                .map(s -> mediaLost ? s.stage().id() : lesser(s))
                .toList();
        if (kept.isEmpty()) {
            return "Session partially enriched.";
        }
        if (!mediaLost) {
            return "Session partially enriched (" + String.join(", ", kept) + ")";
        }
        return "Session partially enriched (" + String.join(" and ", kept) + " only)";
    }

    private static boolean isMedia(StageName stage) {
        return stage == StageName.AUDIO || stage == StageName.VIDEO;
    }

    private static boolean clean(StageState state) {
        return state == StageState.SUCCEEDED || state == StageState.SKIPPED;
    }

    private static String lesser(StageStatus s) {
        return (s.state() == StageState.DEGRADED ? "basic " : "no ") + s.stage().id();
    }
}
