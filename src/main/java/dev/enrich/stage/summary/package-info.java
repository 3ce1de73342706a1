/** summary stage: the local processor and its AI decorator. */
@NullMarked
package dev.enrich.stage.summary;

import org.jspecify.annotations.NullMarked;
