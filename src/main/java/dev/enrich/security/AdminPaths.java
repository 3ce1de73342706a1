package dev.enrich.security;

import java.util.List;

/** Name the paths only the ADMIN role may call; the security chain enforces them, the API description shows them. */
public final class AdminPaths {

    /** Path patterns ({@code PathPattern} syntax) answered with 403 to callers without the ADMIN role. */
    public static final List<String> PATTERNS = List.of("/api/v1/admin/**", "/api/v1/pool", "/api/v1/resilience");

    private AdminPaths() {}
}
