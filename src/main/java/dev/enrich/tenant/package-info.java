/** tenant. */
@NullMarked
package dev.enrich.tenant;

import org.jspecify.annotations.NullMarked;
