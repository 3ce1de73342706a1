/**
 * The typed results of the enrichment stages: what the REST API returns, what checkpoints keep and what the Java
 * client SDK reads. Immutable records serialised by Jackson; this package depends on nothing but the JDK, JSpecify and
 * Jackson's annotations.
 */
@NullMarked
package dev.enrich.model;

import org.jspecify.annotations.NullMarked;

