/**
 * Assemble the AI provider the stages call, in one place: resilience (retry, breaker, bulkhead, time limit) around
 * metering (budgets, cost) around the OpenAI-compatible HTTP client.
 */
@NullMarked
package dev.enrich.aichain;

import org.jspecify.annotations.NullMarked;
