/** api. */
@NullMarked
package dev.enrich.api;

import org.jspecify.annotations.NullMarked;
