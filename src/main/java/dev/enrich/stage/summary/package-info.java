/** summary stage: the local processor. */
@NullMarked
package dev.enrich.stage.summary;

import org.jspecify.annotations.NullMarked;
