package dev.enrich.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/** Tune BlockHound for calls that look blocking but never wait. */
public final class EnrichBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // SecureRandom (UUIDs, multipart boundaries) reads /dev/urandom, which never blocks on Linux.
        builder.allowBlockingCallsInside("java.security.SecureRandom", "nextBytes");
    }
}
