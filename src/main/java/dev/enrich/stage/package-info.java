/** stage. */
@NullMarked
package dev.enrich.stage;

import org.jspecify.annotations.NullMarked;
