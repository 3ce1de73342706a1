/** engine: runs jobs through the pipeline in the worker pool, and tells the world. */
@NullMarked
package dev.enrich.engine;

import org.jspecify.annotations.NullMarked;
