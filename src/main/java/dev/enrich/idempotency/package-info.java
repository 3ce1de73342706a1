/** idempotency: remember submissions by their Idempotency-Key (port and value types). */
@NullMarked
package dev.enrich.idempotency;

import org.jspecify.annotations.NullMarked;
