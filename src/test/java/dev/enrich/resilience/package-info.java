/** Tests of the resilience layer. */
@NullMarked
package dev.enrich.resilience;

import org.jspecify.annotations.NullMarked;
