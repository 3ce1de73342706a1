/** config. */
@NullMarked
package dev.enrich.config;

import org.jspecify.annotations.NullMarked;
