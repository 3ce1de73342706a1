/** ai.fake: an OpenAI-compatible HTTP server on loopback for contract tests, demos and load tests. */
@NullMarked
package dev.enrich.ai.fake;

import org.jspecify.annotations.NullMarked;
