/** canvas stage: the local processor. */
@NullMarked
package dev.enrich.stage.canvas;

import org.jspecify.annotations.NullMarked;
