/** session. */
@NullMarked
package dev.enrich.session;

import org.jspecify.annotations.NullMarked;
