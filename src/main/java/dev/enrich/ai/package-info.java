/** ai: the optional OpenAI-compatible provider (port, client, cost accounting hooks). */
@NullMarked
package dev.enrich.ai;

import org.jspecify.annotations.NullMarked;
