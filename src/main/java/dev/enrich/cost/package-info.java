/**
 * cost: backend-only accounting of AI calls — price table, ledger port, per-tenant budgets, the metering decorator
 * around {@link dev.enrich.ai.AiProvider}, and the admin report. Money never leaves this package except through the
 * admin report.
 */
@NullMarked
package dev.enrich.cost;

import org.jspecify.annotations.NullMarked;
