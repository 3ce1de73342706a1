package dev.enrich.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A stream ticket presented for the stream at {@code path}, not yet redeemed. */
final class TicketAuthentication extends AbstractAuthenticationToken {

    private final String ticket;
    private final String path;

    TicketAuthentication(String ticket, String path) {
        super(List.of());
        this.ticket = ticket;
        this.path = path;
    }

    String path() {
        return path;
    }

    @Override
    public String getCredentials() {
        return ticket;
    }

    @Override
    public String getPrincipal() {
        return "stream-ticket";
    }

    @Override
    public String toString() {
        return "TicketAuthentication[path=" + path + "]"; // the ticket stays out of logs
    }
}
