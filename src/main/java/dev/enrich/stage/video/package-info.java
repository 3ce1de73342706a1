/** video stage: the local processor. */
@NullMarked
package dev.enrich.stage.video;

import org.jspecify.annotations.NullMarked;
