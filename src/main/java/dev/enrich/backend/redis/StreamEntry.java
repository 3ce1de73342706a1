package dev.enrich.backend.redis;

import dev.enrich.queue.QueuedJob;

/** Name one queue stream entry: its id in its priority's stream and the job it carries. */
record StreamEntry(String id, QueuedJob job) {}
