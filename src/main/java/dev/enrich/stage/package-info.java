/** stage: what the stage processors share; each stage lives in its own sub-package. */
@NullMarked
package dev.enrich.stage;

import org.jspecify.annotations.NullMarked;
