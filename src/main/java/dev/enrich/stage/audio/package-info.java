/** audio stage: the local processor. */
@NullMarked
package dev.enrich.stage.audio;

import org.jspecify.annotations.NullMarked;
