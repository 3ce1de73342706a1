/** pipeline. */
@NullMarked
package dev.enrich.pipeline;

import org.jspecify.annotations.NullMarked;
