/** Authentication (API keys, JWTs, stream tickets), roles, tenant resolution, security headers and CORS. */
@NullMarked
package dev.enrich.security;

import org.jspecify.annotations.NullMarked;
