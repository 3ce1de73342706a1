package dev.enrich.job;

/** Order jobs in the queue: interactive jobs are taken before batch jobs. */
public enum Priority {
    INTERACTIVE,
    BATCH
}
