package dev.enrich.security;

import dev.enrich.tenant.Caller;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated caller; its authorities are {@code ROLE_USER} and, for admins, {@code ROLE_ADMIN}. */
final class EnrichAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;

    EnrichAuthentication(Caller caller) {
        super(caller.admin()
                ? List.of(new SimpleGrantedAuthority("ROLE_USER"), new SimpleGrantedAuthority("ROLE_ADMIN"))
                : List.of(new SimpleGrantedAuthority("ROLE_USER")));
        this.caller = caller;
        setAuthenticated(true);
    }

    Caller caller() {
        return caller;
    }

    @Override
    public @Nullable Object getCredentials() {
        return null; // the key, token or ticket is never kept
    }

    @Override
    public Caller getPrincipal() {
        return caller;
    }

    @Override
    public String getName() {
        return caller.subject();
    }
}
