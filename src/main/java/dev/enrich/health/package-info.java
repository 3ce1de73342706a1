/** health: what the service tells its orchestrator about itself beyond Spring Boot's own probes. */
@NullMarked
package dev.enrich.health;

import org.jspecify.annotations.NullMarked;
