package dev.enrich.model;

/**
 * Report one worker slot's health.
 *
 * @param slot slot number
 * @param generation how many times the slot was replaced (recycled) after its jobs kept failing
 * @param busy whether a job runs in it now
 * @param currentJobId the job it runs, or null
 * @param jobsRun jobs finished in this generation
 * @param failures jobs that ended FAILED in this generation
 * @param errorRate failures / jobsRun (0 when none ran)
 * @param meanDurationMillis mean job duration in this generation (0 when none ran)
 * @param uptimeSeconds seconds since this generation started
 * @param worker the name of the slot's current worker thread, new with each generation; null when jobs start on
 *     the dispatching thread
 */
public record SlotHealth(
        int slot,
        int generation,
        boolean busy,
        @org.jspecify.annotations.Nullable String currentJobId,
        long jobsRun,
        long failures,
        double errorRate,
        long meanDurationMillis,
        long uptimeSeconds,
        @org.jspecify.annotations.Nullable String worker) {}
