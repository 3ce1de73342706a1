/** Shared pieces of the AI stage decorators: local-first flow with a friendly fallback, untrusted reply handling. */
@NullMarked
package dev.enrich.stage.ai;

import org.jspecify.annotations.NullMarked;
