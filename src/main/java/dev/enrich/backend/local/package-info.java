/**
 * backend/local: adapters on this machine's file system that either backend uses — the media store in a directory
 * ({@code enrich.media.dir}; with several replicas a volume they all mount, e.g. a ReadWriteMany volume).
 */
@NullMarked
package dev.enrich.backend.local;

import org.jspecify.annotations.NullMarked;
