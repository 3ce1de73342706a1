package dev.enrich.ai;

import dev.enrich.pipeline.StageName;

/**
 * Say who an AI call is for, for cost accounting and budgets.
 *
 * @param tenant the tenant paying for it
 * @param sessionId the session being enriched
 * @param jobId the job
 * @param stage the stage making the call
 */
public record AiCall(String tenant, String sessionId, String jobId, StageName stage) {}
