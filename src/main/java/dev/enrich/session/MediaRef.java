package dev.enrich.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.jspecify.annotations.Nullable;

/**
 * Point at one stored media file of a session.
 *
 * @param kind what the file is
 * @param key the MediaStore key; never a client-supplied path
 * @param size bytes stored
 * @param contentType declared content type, if any
 * @param fileName the client's file name, for display only
 */
public record MediaRef(
        MediaKind kind, @JsonIgnore String key, long size, @Nullable String contentType, @Nullable String fileName) {}
