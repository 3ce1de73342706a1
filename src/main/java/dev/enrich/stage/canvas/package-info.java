/** canvas stage: the local processor, its AI narrative decorator and the HTML renderer. */
@NullMarked
package dev.enrich.stage.canvas;

import org.jspecify.annotations.NullMarked;
