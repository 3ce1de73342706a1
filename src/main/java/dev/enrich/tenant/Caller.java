package dev.enrich.tenant;

/**
 * Who is calling: the tenant they act for, a stable subject (API key name or JWT subject, never a secret) and
 * whether they hold the admin role.
 */
public record Caller(String tenant, String subject, boolean admin) {

    public Caller {
        if (tenant.isBlank() || subject.isBlank()) {
            throw new IllegalArgumentException("tenant and subject must not be blank");
        }
    }
}
